package io.algotask.client;

import java.time.Instant;
import java.util.Map;

/**
 * A task as Algotask has it recorded now (contract section 5; the same over HTTP and gRPC).
 *
 * @param queuePosition the place in its algorithm's queue (0 = next) while {@link
 *     TaskStatus#QUEUED}, else null
 * @param progress what the running attempt last reported, or null
 * @param output present when {@link TaskStatus#SUCCEEDED}, with a fresh presigned URL
 * @param error present when the task ended otherwise
 */
public record Task(
    String taskId,
    String algorithm,
    String tenant,
    int priority,
    TaskStatus status,
    int attempts,
    Long queuePosition,
    Progress progress,
    TaskOutput output,
    TaskError error,
    Instant submittedAt,
    Instant startedAt,
    Instant finishedAt,
    Map<String, String> metadata) {

  /**
   * The latest progress report of the running attempt.
   *
   * @param percent 0 to 100, or null
   * @param message or null
   */
  public record Progress(int attempt, Integer percent, String message, Instant updatedAt) {}
}
