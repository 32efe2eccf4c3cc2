package io.algotask.adapters.results;

import io.algotask.adapters.contract.TaskResultMessage;
import io.algotask.adapters.kafka.ResultPublisher;
import io.algotask.adapters.logging.TaskLogContext;
import io.algotask.adapters.metrics.TaskMetrics;
import io.algotask.adapters.records.ResultRecord;
import io.algotask.adapters.records.TaskTransitions;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes an ended task's result, as recorded, to its reply topic: once in normal operation, and
 * with the same event id when a fault forces a resend (a crash between send and note).
 */
@Component
public class TaskResults {
  private static final Logger log = LoggerFactory.getLogger(TaskResults.class);

  private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};

  private final TaskTransitions transitions;
  private final ResultPublisher publisher;
  private final OutputLinks outputs;
  private final JsonMapper json;
  private final TaskMetrics metrics;

  public TaskResults(
      TaskTransitions transitions,
      ResultPublisher publisher,
      OutputLinks outputs,
      JsonMapper json,
      TaskMetrics metrics) {
    this.transitions = transitions;
    this.publisher = publisher;
    this.outputs = outputs;
    this.json = json;
    this.metrics = metrics;
  }

  /** Publishes the recorded result of a finished task unless it was published before. */
  public void publishOnce(String taskId) {
    publishOnce(
        transitions
            .resultRecord(taskId)
            .orElseThrow(() -> new IllegalStateException("no task " + taskId)));
  }

  /**
   * Publishes the result of a finished task, as just read from its record, unless it was published
   * before.
   */
  public void publishOnce(ResultRecord task) {
    try (var logged = TaskLogContext.of(task.taskId(), task.algorithm(), task.attempts())) {
      publishOnceLogged(task);
    }
  }

  private void publishOnceLogged(ResultRecord task) {
    var taskId = task.taskId();
    if (!task.status().isTerminal()) {
      throw new IllegalStateException("task " + taskId + " has not ended: " + task.status());
    }
    if (task.resultPublishedAt() != null) {
      log.debug("result of {} was published before: not again", taskId);
      return;
    }
    publisher.publish(task.replyTopic(), resultOf(task));
    log.debug("result of {} published: {}", taskId, task.status());
    if (transitions.markResultPublished(taskId)) {
      metrics.resultPublished(task, Instant.now());
    }
  }

  private TaskResultMessage resultOf(ResultRecord task) {
    var output = outputs.linked(task.outputJson());
    var error =
        task.errorCode() == null
            ? null
            // a record written before messages were cut may hold more than a result can carry
            : new TaskResultMessage.Error(
                task.errorCode(), ReportedText.message(task.errorMessage()));
    return new TaskResultMessage(
        task.resultEventId(),
        task.taskId(),
        task.algorithm(),
        task.tenant(),
        task.status().name(),
        task.attempts(),
        output,
        error,
        task.submittedAt(),
        task.startedAt(),
        task.finishedAt(),
        task.metadataJson() == null ? null : json.readValue(task.metadataJson(), METADATA));
  }
}
