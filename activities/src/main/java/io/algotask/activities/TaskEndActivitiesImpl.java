package io.algotask.activities;

import io.algotask.adapters.logging.TaskLogContext;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.results.ReportedText;
import io.algotask.adapters.results.TaskResults;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.adapters.storage.ObjectStorage;
import io.algotask.adapters.storage.S3Location;
import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.task.TaskEndActivities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

@Component("taskEndActivities")
public class TaskEndActivitiesImpl implements TaskEndActivities {
  private static final Logger log = LoggerFactory.getLogger(TaskEndActivitiesImpl.class);

  private final TaskTransitions transitions;
  private final AlgorithmSlots slots;
  private final TaskResults results;
  private final ObjectStorage storage;
  private final JsonMapper json;

  TaskEndActivitiesImpl(
      TaskTransitions transitions,
      AlgorithmSlots slots,
      TaskResults results,
      ObjectStorage storage,
      JsonMapper json) {
    this.transitions = transitions;
    this.slots = slots;
    this.results = results;
    this.storage = storage;
    this.json = json;
  }

  @Override
  public String endAndPublish(TaskEnd completion) {
    try (var logged =
        TaskLogContext.of(completion.taskId(), completion.algorithm(), completion.attempts())) {
      return endAndPublishLogged(completion);
    }
  }

  private String endAndPublishLogged(TaskEnd completion) {
    if (completion.slotToken() != null) {
      slots.release(
          new SlotTask(completion.algorithm(), completion.taskId())
              .holding(completion.slotToken()));
    }
    var output = completion.output() == null ? null : capped(described(completion.output()));
    var recorded =
        transitions
            .recordEnd(
                completion.taskId(),
                completion.status(),
                completion.attempts(),
                completion.errorCode(),
                ReportedText.message(completion.errorMessage()),
                output == null ? null : json.writeValueAsString(output),
                completion.eventId())
            .orElseThrow(() -> new IllegalStateException("no task " + completion.taskId()));
    results.publishOnce(recorded);
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
