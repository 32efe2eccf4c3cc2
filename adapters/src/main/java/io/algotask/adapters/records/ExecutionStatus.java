package io.algotask.adapters.records;

import java.util.EnumSet;
import java.util.Set;

/** How far one attempt got. The first two are open; every other one is final. */
public enum ExecutionStatus {
  /** recorded and being sent to the algorithm */
  INVOKING,
  /** accepted by the algorithm: waiting for its callback */
  RUNNING,
  /** its callback reported success */
  SUCCEEDED,
  /** its callback reported failure */
  FAILED,
  /** its deadline passed with no callback */
  TIMED_OUT,
  /** no invocation was accepted before its deadline */
  NOT_ACCEPTED,
  /** the algorithm refused it */
  REJECTED,
  /** the task was cancelled while it ran */
  CANCELLED;

  public static final Set<ExecutionStatus> OPEN = EnumSet.of(INVOKING, RUNNING);

  public boolean isOpen() {
    return OPEN.contains(this);
  }
}
