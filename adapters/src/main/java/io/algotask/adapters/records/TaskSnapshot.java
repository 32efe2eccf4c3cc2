package io.algotask.adapters.records;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.algotask.workflows.model.TaskStatus;
import java.time.OffsetDateTime;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A task as its readers see it, at one moment: read from the task row, or from one of its events
 * (which keep the row as it was after each change). Both are the same JSON, made by the database's
 * {@code task_snapshot} function.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskSnapshot(
    @JsonProperty("task_id") String taskId,
    String algorithm,
    String tenant,
    int priority,
    TaskStatus status,
    int attempts,
    JsonNode output,
    @JsonProperty("error_code") String errorCode,
    @JsonProperty("error_message") String errorMessage,
    @JsonProperty("late_callbacks") int lateCallbacks,
    // absent from the events recorded before the column existed: none were counted then
    @JsonProperty("repeated_callbacks") @JsonSetter(nulls = Nulls.AS_EMPTY) int repeatedCallbacks,
    @JsonProperty("submitted_at") OffsetDateTime submittedAt,
    @JsonProperty("started_at") OffsetDateTime startedAt,
    @JsonProperty("finished_at") OffsetDateTime finishedAt,
    @JsonProperty("progress_attempt") Integer progressAttempt,
    @JsonProperty("progress_percent") Integer progressPercent,
    @JsonProperty("progress_message") String progressMessage,
    @JsonProperty("progress_at") OffsetDateTime progressAt,
    @JsonProperty("event_sequence") long eventSequence,
    Map<String, String> metadata) {

  /** The recorded output as JSON, or null when the task has none. */
  public String outputJson() {
    return output == null || output.isNull() ? null : output.toString();
  }

  /** Whether the running attempt has reported progress. */
  public boolean hasProgress() {
    return progressAttempt != null && progressAttempt == attempts;
  }
}
