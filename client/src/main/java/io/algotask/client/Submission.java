package io.algotask.client;

/**
 * The answer to a submission over HTTP or gRPC.
 *
 * @param created false when the taskId was known already: the existing task stands and nothing new
 *     was started
 */
public record Submission(Task task, boolean created) {}
