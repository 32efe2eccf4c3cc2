package io.algotask.adapters.records;

import java.time.Instant;

/**
 * A task recorded as ACCEPTED, and its place in the order the sweep goes through them.
 *
 * @param submittedAt when it was recorded; with the taskId, the sweep's place
 */
public record AcceptedTask(String taskId, Instant submittedAt) {

  /** Before every task: where a sweep starts over. */
  public static final AcceptedTask FIRST = new AcceptedTask("", Instant.EPOCH);
}
