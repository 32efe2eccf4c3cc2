package io.algotask.workflows.task;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.SearchAttributes;
import io.algotask.workflows.model.SlotGrant;
import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.model.TaskOutcome;
import io.algotask.workflows.model.TaskState;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.algotask.workflows.task.TaskEndActivities.TaskEnd;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

public class AlgorithmTaskWorkflowImpl implements AlgorithmTaskWorkflow {
  private static final Logger log = Workflow.getLogger(AlgorithmTaskWorkflowImpl.class);

  private TaskInput task;
  private TaskSlot slot;
  private TaskAttempts attempts;
  private TaskStatus status = TaskStatus.ACCEPTED;
  private ErrorCode lastError;

  @Override
  public TaskOutcome run(TaskInput input) {
    begin(input);
    try {
      while (true) {
        if (!slot.take(() -> show(TaskStatus.QUEUED))) {
          return endWith(new TaskEnding(TaskStatus.TIMED_OUT, ErrorCode.QUEUE_TIMEOUT, noSlot()));
        }
        var result = attempts.runNext(slot.token(), () -> show(TaskStatus.RUNNING));
        if (result.endsTask() || attempts.lastAllowed()) {
          return endWith(endingOf(result));
        }
        lastError = result.errorCode();
        log.info(
            "task {} attempt {} over ({}): trying again",
            task.taskId(),
            attempts.started(),
            result.message());
        slot.release();
      }
    } catch (TemporalFailure failure) {
      throw endedIfCancelled(failure);
    }
  }

  private void begin(TaskInput input) {
    task = input;
    slot = new TaskSlot(input);
    attempts = new TaskAttempts(input);
    Workflow.setCurrentDetails(TaskDetails.of(task, state()));
  }

  /**
   * A task cancelled by a caller or an operator still ends with one result: the cleanup runs in a
   * scope of its own, since the workflow's own scope is cancelled.
   */
  private TemporalFailure endedIfCancelled(TemporalFailure failure) {
    if (CancellationScope.current().isCancelRequested() && !status.isTerminal()) {
      Workflow.newDetachedCancellationScope(this::endCancelled).run();
    }
    return failure;
  }

  /** How the task ends: its status, why, and the output of a success. */
  private record TaskEnding(
      TaskStatus status, ErrorCode errorCode, String message, CallbackReport.Output output) {
    TaskEnding(TaskStatus status, ErrorCode errorCode, String message) {
      this(status, errorCode, message, null);
    }

    TaskEnding(AttemptResult result, String message) {
      this(result.status(), result.errorCode(), message, result.output());
    }
  }

  private String noSlot() {
    return "no slot of " + task.algorithm() + " within " + task.settings().queueTimeout();
  }

  /** How an attempt that ends the task ends it; the last attempt says which it was. */
  private TaskEnding endingOf(AttemptResult result) {
    if (result.endsTask()) {
      return new TaskEnding(result, result.message());
    }
    var last =
        "attempt "
            + attempts.started()
            + " of "
            + task.settings().maxAttempts()
            + ": "
            + result.message();
    return new TaskEnding(result, last);
  }

  /**
   * Ends a cancelled task: a waiting one leaves the queue (giving back a slot granted meanwhile), a
   * running one's attempt is closed and its algorithm told, and the task ends CANCELLED with one
   * result, its slot handed on in the same step.
   */
  private void endCancelled() {
    if (!slot.held()) {
      slot.leave();
    } else if (status == TaskStatus.RUNNING) {
      attempts.cancelCurrent();
    }
    endWith(new TaskEnding(TaskStatus.CANCELLED, ErrorCode.CANCELLED, "cancelled by request"));
  }

  /** Hands on the slot still held, records the outcome and publishes the result, in one step. */
  private TaskOutcome endWith(TaskEnding end) {
    lastError = end.errorCode();
    show(end.status());
    var info = Workflow.getInfo();
    var ending =
        Workflow.newLocalActivityStub(
            TaskEndActivities.class,
            TaskActivityOptions.quickStep("end " + end.status() + " and publish the result"));
    var publishedUri =
        ending.endAndPublish(
            new TaskEnd(
                task.taskId(),
                task.algorithm(),
                attempts.started(),
                end.status(),
                end.errorCode(),
                end.message(),
                end.output(),
                slot.token(),
                TaskWorkflowIds.resultEventId(info.getWorkflowId(), info.getRunId())));
    slot.handedOn();
    return new TaskOutcome(
        task.taskId(),
        end.status(),
        attempts.started(),
        end.errorCode(),
        end.message(),
        publishedUri);
  }

  /**
   * Sets the status and the current details the Temporal Web UI shows (they travel with the
   * workflow's metadata query, not in its history).
   */
  private void show(TaskStatus next) {
    setStatus(next);
    Workflow.setCurrentDetails(TaskDetails.of(task, state()));
  }

  private void setStatus(TaskStatus next) {
    if (status != next) {
      status = next;
      Workflow.upsertTypedSearchAttributes(SearchAttributes.TASK_STATUS.valueSet(next.name()));
    }
  }

  @Override
  public void slotGranted(SlotGrant grant) {
    // a signal can be handled before run begins; no slot is asked for then, so none can be granted
    if (slot == null || !slot.offer(grant, status.isTerminal())) {
      log.debug("task {}: ignoring grant {}", task == null ? "?" : task.taskId(), grant);
    }
  }

  @Override
  public void callbackReceived(CallbackReport report) {
    if (attempts != null) { // before run begins, no attempt has been sent
      attempts.report(report);
    }
  }

  @Override
  public TaskState state() {
    return new TaskState(
        task.taskId(),
        task.algorithm(),
        status,
        attempts.started(),
        task.settings().maxAttempts(),
        slot.queuePosition(),
        status == TaskStatus.RUNNING ? attempts.deadline() : null,
        slot.held(),
        lastError,
        slot.limitOnJoining());
  }
}
