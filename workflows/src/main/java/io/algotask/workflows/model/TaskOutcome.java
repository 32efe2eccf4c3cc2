package io.algotask.workflows.model;

/**
 * How a task ended: the workflow's result. The presigned output URL is minted when the result is
 * published and never enters the history.
 */
public record TaskOutcome(
    String taskId,
    TaskStatus status,
    int attempts,
    ErrorCode errorCode,
    String errorMessage,
    String outputUri) {}
