package io.algotask.client;

import java.time.Instant;

/**
 * One change of a task, as a watch delivers it.
 *
 * @param sequence grows by one per change of the task (gRPC); 0 for a change an HTTP poll noticed
 * @param task the task as it was after the change
 */
public record TaskEvent(long sequence, TaskStatus status, Instant at, Task task) {}
