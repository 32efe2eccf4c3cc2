package io.algotask.activities;

import io.algotask.adapters.algorithms.AttemptCancellation;
import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskStore;
import io.algotask.adapters.results.ReportedText;
import io.algotask.adapters.results.ResultReporter;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.adapters.storage.ObjectStorage;
import io.algotask.adapters.storage.S3Location;
import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.task.TaskRecordActivities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

@Component("taskRecordActivities")
public class TaskRecordActivitiesImpl implements TaskRecordActivities {
  private static final Logger log = LoggerFactory.getLogger(TaskRecordActivitiesImpl.class);

  private final TaskStore store;
  private final AlgorithmSlots slots;
  private final ResultReporter results;
  private final ObjectStorage storage;
  private final JsonMapper json;
  private final AttemptCancellation attempts;

  TaskRecordActivitiesImpl(
      TaskStore store,
      AlgorithmSlots slots,
      ResultReporter results,
      ObjectStorage storage,
      JsonMapper json,
      AttemptCancellation attempts) {
    this.attempts = attempts;
    this.store = store;
    this.slots = slots;
    this.results = results;
    this.storage = storage;
    this.json = json;
  }

  @Override
  public CallbackReport closeAttempt(String taskId, int attempt, AttemptEnd end) {
    return store
        .closeAttempt(taskId, attempt, ExecutionStatus.valueOf(end.name()))
        .map(callback -> json.readValue(callback, CallbackReport.class))
        .orElse(null);
  }

  @Override
  public void cancelAttempt(String taskId, int attempt, String algorithm) {
    attempts.cancel(taskId, attempt, algorithm);
  }

  @Override
  public String finish(TaskCompletion completion) {
    if (completion.slotToken() != null) {
      slots.release(
          new SlotTask(completion.algorithm(), completion.taskId())
              .holding(completion.slotToken()));
    }
    var output = completion.output() == null ? null : capped(described(completion.output()));
    store.finish(
        completion.taskId(),
        completion.status(),
        completion.attempts(),
        completion.errorCode(),
        ReportedText.message(completion.errorMessage()),
        output == null ? null : json.writeValueAsString(output),
        completion.eventId());
    results.reportOnce(completion.taskId());
    return output == null ? null : output.uri();
  }

  /** The algorithm's words as the contract lets them be stored (section 7). */
  private static CallbackReport.Output capped(CallbackReport.Output output) {
    return new CallbackReport.Output(
        output.uri(), ReportedText.name(output.contentType()), output.sizeBytes());
  }

  /** The output as the algorithm described it, with what it left out read from the object. */
  private CallbackReport.Output described(CallbackReport.Output output) {
    if (output.contentType() != null && output.sizeBytes() != null) {
      return output;
    }
    try {
      var head = storage.head(S3Location.parse(output.uri()));
      return new CallbackReport.Output(
          output.uri(),
          output.contentType() != null ? output.contentType() : head.contentType(),
          output.sizeBytes() != null ? output.sizeBytes() : head.contentLength());
    } catch (RuntimeException e) {
      log.warn("could not read the output {} of a finished task: {}", output.uri(), e.toString());
      return output;
    }
  }
}
