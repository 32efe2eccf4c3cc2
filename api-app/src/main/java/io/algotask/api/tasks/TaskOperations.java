package io.algotask.api.tasks;

import io.algotask.adapters.contract.TaskResultMessage;
import io.algotask.adapters.records.TaskSnapshot;
import io.algotask.adapters.records.TaskSnapshots;
import io.algotask.adapters.results.OutputLinks;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.adapters.temporal.TaskSignals;
import io.algotask.api.ApiProblem;
import io.algotask.api.access.Caller;
import io.algotask.api.intake.ParsedRequest;
import io.algotask.api.intake.TaskIntake;
import io.algotask.api.intake.TaskRequestParser;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import io.temporal.client.WorkflowNotFoundException;
import org.springframework.stereotype.Component;

/**
 * What business services do with tasks, the same through HTTP and gRPC: submit, read, cancel. A
 * caller sees only the tenants its key may use; another tenant's task is, to it, no task at all.
 */
@Component
public class TaskOperations {

  /** The task a submission led to, and whether this submission created it. */
  public record Submission(boolean created, TaskView task) {}

  private final TaskRequestParser parser;
  private final TaskIntake intake;
  private final TaskSnapshots snapshots;
  private final SlotSemaphore semaphore;
  private final OutputLinks outputs;
  private final TaskSignals signals;

  TaskOperations(
      TaskRequestParser parser,
      TaskIntake intake,
      TaskSnapshots snapshots,
      SlotSemaphore semaphore,
      OutputLinks outputs,
      TaskSignals signals) {
    this.parser = parser;
    this.intake = intake;
    this.snapshots = snapshots;
    this.semaphore = semaphore;
    this.outputs = outputs;
    this.signals = signals;
  }

  /**
   * Submits a request (the JSON of contract section 1). Its taskId is the idempotency key across
   * all doors: a known one starts nothing and answers the existing task. A request that breaks a
   * rule is refused with the rule and not recorded, so the caller can correct it and send it again.
   */
  public Submission submit(Caller caller, byte[] requestJson) {
    var parsed = parser.parse(requestJson);
    if (parsed instanceof ParsedRequest.NotATask notATask) {
      throw new ApiProblem(
          ApiProblem.Kind.INVALID,
          ErrorCode.INVALID_REQUEST.name(),
          notATask.field(),
          notATask.reason());
    }
    if (parsed instanceof ParsedRequest.Invalid invalid) {
      throw new ApiProblem(
          ApiProblem.Kind.INVALID, invalid.code().name(), invalid.field(), invalid.rule());
    }
    var request = ((ParsedRequest.Valid) parsed).request();
    if (!caller.mayUse(request.tenant())) {
      throw new ApiProblem(
          ApiProblem.Kind.FORBIDDEN,
          "FORBIDDEN",
          "tenant",
          "this client key may not submit tasks of tenant " + request.tenant());
    }
    var outcome = intake.submit((ParsedRequest.Valid) parsed);
    var task = snapshots.snapshot(request.taskId()).orElseThrow();
    if (!caller.mayUse(task.tenant())) {
      throw new ApiProblem(
          ApiProblem.Kind.CONFLICT,
          "TASK_ID_TAKEN",
          "taskId",
          "taskId " + request.taskId() + " is taken; task ids are unique across all tenants");
    }
    return new Submission(outcome == TaskIntake.Outcome.ACCEPTED, view(task));
  }

  /** The task as recorded now. */
  public TaskView get(Caller caller, String taskId) {
    return view(visible(caller, taskId));
  }

  /**
   * Cancels a task that has not ended: its workflow leaves the queue or frees its slot, tells the
   * algorithm, and ends the task CANCELLED with one result. Answers the task as it is now, which
   * may still show it running for a moment.
   */
  public TaskView cancel(Caller caller, String taskId) {
    var task = visible(caller, taskId);
    if (task.status().isTerminal()) {
      throw over(task);
    }
    try {
      signals.cancel(taskId);
    } catch (WorkflowNotFoundException noWorkflow) {
      var now = snapshots.snapshot(taskId).orElseThrow();
      if (now.status().isTerminal()) {
        throw over(now);
      }
      intake.resume(taskId); // recorded, but its start was lost: start it, so it can end
      signals.cancel(taskId);
    }
    return view(snapshots.snapshot(taskId).orElseThrow());
  }

  /** The task, if the caller may see it. */
  public TaskSnapshot visible(Caller caller, String taskId) {
    return snapshots
        .snapshot(taskId)
        .filter(task -> caller.mayUse(task.tenant()))
        .orElseThrow(() -> ApiProblem.notFound(taskId));
  }

  /** The task as shown to callers, with its live place in the queue while it waits. */
  public TaskView view(TaskSnapshot task) {
    Long position = null;
    if (task.status() == TaskStatus.QUEUED) {
      var rank = semaphore.position(new SlotTask(task.algorithm(), task.taskId()));
      position = rank.isPresent() ? rank.getAsLong() : null;
    }
    return new TaskView(
        task.taskId(),
        task.algorithm(),
        task.tenant(),
        task.priority(),
        task.status().name(),
        task.attempts(),
        position,
        task.hasProgress()
            ? new TaskView.Progress(
                task.progressAttempt(),
                task.progressPercent(),
                task.progressMessage(),
                task.progressAt().toInstant())
            : null,
        outputs.linked(task.outputJson()),
        task.errorCode() == null
            ? null
            : new TaskResultMessage.Error(task.errorCode(), task.errorMessage()),
        task.submittedAt().toInstant(),
        task.startedAt() == null ? null : task.startedAt().toInstant(),
        task.finishedAt() == null ? null : task.finishedAt().toInstant(),
        task.lateCallbacks(),
        task.repeatedCallbacks(),
        task.metadata());
  }

  private static ApiProblem over(TaskSnapshot task) {
    return new ApiProblem(
            ApiProblem.Kind.CONFLICT,
            "TASK_OVER",
            null,
            "task " + task.taskId() + " is over: " + task.status())
        // not "status": in a problem body that is the HTTP status (RFC 9457)
        .with("taskStatus", task.status().name());
  }
}
