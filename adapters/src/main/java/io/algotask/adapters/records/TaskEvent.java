package io.algotask.adapters.records;

import java.time.Instant;

/**
 * One change of a task (its status, attempt or progress), numbered from 1 per task.
 *
 * @param task the task as it was after the change
 */
public record TaskEvent(long sequence, Instant at, TaskSnapshot task) {}
