package io.algotask.workflows.model;

import java.time.Instant;

/**
 * What the workflow needs to run a task. The request's parameters, input document, reply topic and
 * metadata stay in the task record: the workflow's history holds no more than it needs.
 *
 * @param submittedAt when the task was accepted; also its place in the queue of its priority
 */
public record TaskInput(
    String taskId,
    String algorithm,
    String tenant,
    int priority,
    Instant submittedAt,
    TaskSettings settings) {}
