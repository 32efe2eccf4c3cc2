package io.algotask.workflows.model;

import java.time.Instant;

/**
 * A task's current state as its workflow knows it, for the workflow query.
 *
 * @param queuePosition the place in the queue when the task last joined it (0 = next), or null
 * @param attemptDeadline when the current attempt is over without a callback, or null
 * @param holdsSlot whether the task holds a concurrency slot now
 * @param limitOnJoining the algorithm's limit in force when the task joined the queue, or null
 */
public record TaskState(
    String taskId,
    String algorithm,
    TaskStatus status,
    int attempt,
    int maxAttempts,
    Long queuePosition,
    Instant attemptDeadline,
    boolean holdsSlot,
    ErrorCode lastError,
    Integer limitOnJoining) {}
