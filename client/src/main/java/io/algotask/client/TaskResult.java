package io.algotask.client;

import java.time.Instant;
import java.util.Map;

/**
 * A task's result as published on its reply topic (contract section 2, {@code
 * docs/schemas/task-result.schema.json}).
 *
 * @param eventId the same on every copy of this result: what {@link ResultConsumer} deduplicates by
 * @param output present when {@link TaskStatus#SUCCEEDED}
 * @param error present otherwise
 * @param startedAt the first send of the first attempt, or null when no attempt was sent
 * @param metadata the request's metadata, empty when it had none
 * @param replyError why the result is on the default results topic rather than its reply topic, or
 *     null (contract section 7)
 */
public record TaskResult(
    String eventId,
    String taskId,
    String algorithm,
    String tenant,
    TaskStatus status,
    int attempts,
    TaskOutput output,
    TaskError error,
    Instant submittedAt,
    Instant startedAt,
    Instant finishedAt,
    Map<String, String> metadata,
    String replyError) {}
