package io.algotask.workflows.task;

import io.algotask.workflows.model.SlotGrant;
import io.algotask.workflows.model.TaskDescriptions;
import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.task.SlotActivities.SlotRelease;
import io.algotask.workflows.task.SlotActivities.SlotRequest;
import io.temporal.workflow.Workflow;
import java.util.HashSet;
import java.util.Set;

/**
 * The concurrency slot of one task, as its workflow sees it: taken at once or handed over by a
 * grant signal while the task waits in the queue, held for an attempt, then released or handed on
 * with the task's end.
 */
final class TaskSlot {
  private final TaskInput task;

  private String token;
  private SlotGrant pendingGrant;
  private Long queuePosition;
  private Integer limitOnJoining;

  /** Tokens of slots this task has given up: a late or repeated grant naming one is stale. */
  private final Set<String> givenUp = new HashSet<>();

  TaskSlot(TaskInput task) {
    this.task = task;
  }

  /**
   * Takes a slot, at once or when a grant arrives within the queue timeout; on that timeout the
   * task leaves the queue and false is returned.
   *
   * @param whenQueued run when the task joins the queue
   */
  boolean take(Runnable whenQueued) {
    var acquisition = slots("take a slot of " + task.algorithm()).acquire(request());
    if (acquisition.granted()) {
      return hold(acquisition.token());
    }
    queuePosition = acquisition.position();
    limitOnJoining = acquisition.limit();
    whenQueued.run();
    // The only timer a waiter holds: the grant itself arrives as a signal.
    boolean granted =
        pendingGrant != null
            || TaskTimers.await(
                task.settings().queueTimeout(), queueTimeoutSummary(), () -> pendingGrant != null);
    if (granted) {
      return hold(pendingGrant.token());
    }
    leave();
    return false;
  }

  /** A grant signal: kept unless the task holds a slot, gave this one up, or has ended. */
  boolean offer(SlotGrant grant, boolean taskEnded) {
    if (grant == null || grant.token() == null) {
      return false;
    }
    if (token != null || givenUp.contains(grant.token()) || taskEnded) {
      return false;
    }
    pendingGrant = grant;
    return true;
  }

  /** Frees the slot for the next waiter. */
  void release() {
    slots("release the slot of " + task.algorithm())
        .release(new SlotRelease(task.taskId(), task.algorithm(), token));
    handedOn();
  }

  /** Leaves the queue, giving back a slot granted meanwhile. */
  void leave() {
    slots("leave the queue of " + task.algorithm()).leave(request());
  }

  /** The slot was released by another step (the task's end). */
  void handedOn() {
    if (token != null) {
      givenUp.add(token);
      token = null;
    }
  }

  boolean held() {
    return token != null;
  }

  /** The fencing token of the slot held, or null. */
  String token() {
    return token;
  }

  /** The place in the queue when the task last joined it (0 = next), or null while it holds one. */
  Long queuePosition() {
    return queuePosition;
  }

  /** The limit in force when the task last joined the queue, or null while it holds a slot. */
  Integer limitOnJoining() {
    return queuePosition == null ? null : limitOnJoining;
  }

  private boolean hold(String grantedToken) {
    token = grantedToken;
    pendingGrant = null;
    queuePosition = null;
    return true;
  }

  /** What the queue timer waits for, as the Web UI shows it. */
  private String queueTimeoutSummary() {
    return "slot of "
        + task.algorithm()
        + ", queue timeout "
        + TaskDescriptions.duration(task.settings().queueTimeout());
  }

  private static SlotActivities slots(String summary) {
    return Workflow.newLocalActivityStub(
        SlotActivities.class, TaskActivityOptions.quickStep(summary));
  }

  private SlotRequest request() {
    return new SlotRequest(
        task.taskId(),
        task.algorithm(),
        task.priority(),
        task.submittedAt(),
        task.settings().executionTimeout(),
        task.tenant());
  }
}
