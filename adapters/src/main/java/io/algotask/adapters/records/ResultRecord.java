package io.algotask.adapters.records;

import io.algotask.workflows.model.TaskStatus;
import java.time.Instant;

/**
 * A task's row as its result reports it, read with plain JDBC by {@link TaskTransitions}.
 *
 * @param outputJson the recorded output, or null
 * @param metadataJson the request's metadata as JSON, or null when it had none
 * @param resultPublishedAt when the result went to its reply topic, or null
 * @param callbackAt when the callback that decided the task's last decided attempt was recorded, or
 *     null when no callback decided one
 */
public record ResultRecord(
    String taskId,
    String algorithm,
    String tenant,
    TaskStatus status,
    int attempts,
    String replyTopic,
    String outputJson,
    String errorCode,
    String errorMessage,
    Instant submittedAt,
    Instant startedAt,
    Instant finishedAt,
    String resultEventId,
    Instant resultPublishedAt,
    String metadataJson,
    Instant callbackAt) {}
