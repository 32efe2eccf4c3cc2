package io.algotask.api.tasks;

import io.algotask.adapters.contract.TaskResultMessage;
import io.algotask.workflows.model.TaskStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/**
 * A task as {@code GET /v1/tasks/{taskId}} shows it (contract section 5), read from the records.
 *
 * @param queuePosition the place in its algorithm's queue (0 = next) while QUEUED, else null
 * @param progress what the running attempt last reported, or null
 * @param output where the output is, with a fresh presigned URL, when SUCCEEDED
 * @param error why the task ended otherwise
 * @param lateCallbacks callbacks that arrived after their attempt was over
 * @param repeatedCallbacks callbacks that came again for an attempt they had decided already (same
 *     attempt, same status), answered 200
 */
public record TaskView(
    String taskId,
    String algorithm,
    String tenant,
    int priority,
    @Schema(implementation = TaskStatus.class) String status,
    int attempts,
    Long queuePosition,
    Progress progress,
    TaskResultMessage.Output output,
    TaskResultMessage.Error error,
    Instant submittedAt,
    Instant startedAt,
    Instant finishedAt,
    int lateCallbacks,
    int repeatedCallbacks,
    Map<String, String> metadata) {

  public record Progress(int attempt, Integer percent, String message, Instant updatedAt) {}
}
