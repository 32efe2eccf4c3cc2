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
import io.algotask.workflows.task.AlgorithmActivities.Invocation;
import io.algotask.workflows.task.AlgorithmActivities.InvocationResult;
import io.algotask.workflows.task.SlotActivities.SlotAcquisition;
import io.algotask.workflows.task.SlotActivities.SlotRequest;
import io.algotask.workflows.task.TaskRecordActivities.AttemptEnd;
import io.algotask.workflows.task.TaskRecordActivities.TaskCompletion;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

public class AlgorithmTaskWorkflowImpl implements AlgorithmTaskWorkflow {
  private static final Logger log = Workflow.getLogger(AlgorithmTaskWorkflowImpl.class);

  /** How long one try of a quick step may take: what it waits for must fit well inside. */
  public static final Duration QUICK_STEP_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Quick steps against Redis and PostgreSQL: local activities, retried until they succeed (a
   * restart of either must not fail a task). The attempts are set explicitly: a local activity with
   * neither maximum attempts nor a schedule-to-close timeout is not retried at all.
   */
  private static final LocalActivityOptions QUICK_STEP =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(QUICK_STEP_TIMEOUT)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofMillis(200))
                  .setMaximumInterval(Duration.ofSeconds(10))
                  .setMaximumAttempts(Integer.MAX_VALUE)
                  .build())
          .build();

  /** Sending an invocation: retried with backoff (or after Retry-After) until the deadline. */
  private static final RetryOptions INVOCATION_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofSeconds(30))
          .build();

  private static final Duration LONGEST_SEND = Duration.ofSeconds(30);

  /** The change id under which an attempt's first send became a local activity. */
  static final String FIRST_SEND_LOCAL = "first-send-local";

  /**
   * The change id under which the sends after a failed first send became one activity that waits
   * between them itself, heartbeating, and that a cancel ends before the attempt is closed and its
   * slot handed on (before, a resend under way could reach the algorithm after that).
   */
  static final String RESEND_CANCELLABLE = "resend-cancellable";

  /** How long a resending activity may go without a heartbeat before it is sent again elsewhere. */
  private static final Duration RESEND_HEARTBEAT = Duration.ofSeconds(10);

  /** How late after its scheduling the first send of an attempt may still start. */
  private static final Duration FIRST_SEND_ALLOWANCE = Duration.ofMinutes(1);

  private final SlotActivities slots =
      Workflow.newLocalActivityStub(SlotActivities.class, QUICK_STEP);
  private final TaskRecordActivities records =
      Workflow.newLocalActivityStub(TaskRecordActivities.class, QUICK_STEP);

  private TaskInput task;
  private TaskStatus status = TaskStatus.ACCEPTED;
  private int attempt;
  private String slotToken;
  private SlotGrant pendingGrant;
  private Long queuePosition;
  private Instant attemptDeadline;
  private ErrorCode lastError;

  /** Whether the current attempt has been sent to the algorithm (or is being sent). */
  private boolean invoked;

  /** Tokens of slots this task has given up: a late or repeated grant naming one is stale. */
  private final Set<String> releasedTokens = new HashSet<>();

  private final Map<Integer, CallbackReport> callbacks = new HashMap<>();

  /** How one attempt ended. */
  private record AttemptResult(Kind kind, String message, CallbackReport callback) {
    enum Kind {
      SUCCEEDED,
      REJECTED,
      FAILED,
      FAILED_FOR_GOOD,
      NOT_ACCEPTED,
      TIMED_OUT
    }
  }

  @Override
  public TaskOutcome run(TaskInput input) {
    this.task = input;
    try {
      return runToEnd();
    } catch (TemporalFailure failure) {
      if (!CancellationScope.current().isCancelRequested() || status.isTerminal()) {
        throw failure;
      }
      // Cancelled by a caller or an operator: the cleanup must run although the workflow's own
      // scope is cancelled, so it runs in a scope of its own.
      Workflow.newDetachedCancellationScope(this::endCancelled).run();
      throw failure;
    }
  }

  /**
   * Ends a cancelled task: a waiting one leaves the queue (giving back a slot granted meanwhile), a
   * running one's attempt is closed and its algorithm told, and the task ends CANCELLED with one
   * result, its slot handed on in the same step.
   */
  private void endCancelled() {
    if (!invoked) {
      attempt--; // the attempt being waited for never started
    }
    if (slotToken == null) {
      slots.leave(slotRequest());
    } else if (status == TaskStatus.RUNNING) {
      records.cancelAttempt(task.taskId(), attempt, task.algorithm());
    }
    finish(TaskStatus.CANCELLED, ErrorCode.CANCELLED, "cancelled by request", null);
  }

  private TaskOutcome runToEnd() {
    var input = task;
    var settings = input.settings();
    String lastMessage = null;
    while (true) {
      attempt++;
      invoked = false;
      var token = waitForSlot();
      if (token == null) {
        attempt--; // the attempt never started
        return finish(
            TaskStatus.TIMED_OUT,
            ErrorCode.QUEUE_TIMEOUT,
            "no slot of " + input.algorithm() + " within " + settings.queueTimeout(),
            null);
      }
      var result = runAttempt(token);
      switch (result.kind()) {
        case SUCCEEDED -> {
          return finish(TaskStatus.SUCCEEDED, null, null, result.callback().output());
        }
        case REJECTED -> {
          return finish(TaskStatus.FAILED, ErrorCode.ALGORITHM_REJECTED, result.message(), null);
        }
        case FAILED_FOR_GOOD -> {
          return finish(TaskStatus.FAILED, ErrorCode.ALGORITHM_ERROR, result.message(), null);
        }
        case FAILED, NOT_ACCEPTED -> lastError = ErrorCode.ALGORITHM_ERROR;
        case TIMED_OUT -> lastError = ErrorCode.EXECUTION_TIMEOUT;
      }
      lastMessage = result.message();
      if (attempt >= settings.maxAttempts()) {
        var finalStatus =
            lastError == ErrorCode.EXECUTION_TIMEOUT ? TaskStatus.TIMED_OUT : TaskStatus.FAILED;
        return finish(
            finalStatus,
            lastError,
            "attempt " + attempt + " of " + settings.maxAttempts() + ": " + lastMessage,
            null);
      }
      log.info("task {} attempt {} over ({}): trying again", input.taskId(), attempt, lastMessage);
      slots.release(input.taskId(), input.algorithm(), token);
      giveUpSlot();
    }
  }

  /** Returns the token of a slot, or null when the queue timeout passed first. */
  private String waitForSlot() {
    var request = slotRequest();
    SlotAcquisition acquisition = slots.acquire(request);
    if (acquisition.granted()) {
      return holdSlot(acquisition.token());
    }
    queuePosition = acquisition.position();
    setStatus(TaskStatus.QUEUED);
    // The only timer a waiter holds: the grant itself arrives as a signal.
    boolean granted =
        pendingGrant != null
            || Workflow.await(task.settings().queueTimeout(), () -> pendingGrant != null);
    if (granted) {
      return holdSlot(pendingGrant.token());
    }
    slots.leave(request);
    return null;
  }

  private SlotRequest slotRequest() {
    return new SlotRequest(
        task.taskId(),
        task.algorithm(),
        task.priority(),
        task.submittedAt(),
        task.settings().executionTimeout());
  }

  private String holdSlot(String token) {
    slotToken = token;
    pendingGrant = null;
    queuePosition = null;
    return token;
  }

  private void giveUpSlot() {
    releasedTokens.add(slotToken);
    slotToken = null;
  }

  private AttemptResult runAttempt(String token) {
    invoked = true;
    // an estimate until the first send fixes the deadline (the activity may start late under load)
    attemptDeadline =
        Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(task.settings().executionTimeout());
    setStatus(TaskStatus.RUNNING);
    var invocationRequest =
        new Invocation(
            task.taskId(),
            attempt,
            task.algorithm(),
            attemptDeadline,
            token,
            task.settings().executionTimeout());
    InvocationResult invocation;
    try {
      invocation = send(invocationRequest);
    } catch (ActivityFailure sendsRanOut) {
      if (CancellationScope.current().isCancelRequested()) {
        throw sendsRanOut;
      }
      var early = callbacks.get(attempt);
      if (early != null) {
        return fromCallback(early);
      }
      var won = records.closeAttempt(task.taskId(), attempt, AttemptEnd.NOT_ACCEPTED);
      if (won != null) {
        return fromCallback(won);
      }
      return new AttemptResult(
          AttemptResult.Kind.NOT_ACCEPTED,
          "no invocation was accepted before the deadline: " + rootMessage(sendsRanOut),
          null);
    }
    if (!invocation.accepted()) {
      records.closeAttempt(task.taskId(), attempt, AttemptEnd.REJECTED);
      return new AttemptResult(
          AttemptResult.Kind.REJECTED,
          "the algorithm refused the task (HTTP "
              + invocation.httpStatus()
              + "): "
              + invocation.message(),
          null);
    }
    if (invocation.deadline() != null) {
      attemptDeadline = invocation.deadline();
    }
    var current = attempt;
    if (!callbacks.containsKey(current)) { // a quick algorithm's callback is often here already
      Workflow.await(untilDeadline(), () -> callbacks.containsKey(current));
    }
    var callback = callbacks.get(current);
    if (callback == null) {
      // The callback endpoint sets the same row: exactly one of the two decides the attempt.
      callback = records.closeAttempt(task.taskId(), current, AttemptEnd.TIMED_OUT);
    }
    if (callback == null) {
      return new AttemptResult(
          AttemptResult.Kind.TIMED_OUT,
          "no callback within " + task.settings().executionTimeout(),
          null);
    }
    return fromCallback(callback);
  }

  /**
   * Sends the attempt until the algorithm answers it. Since {@link #FIRST_SEND_LOCAL}, the first
   * send is a local activity within the workflow task that holds the slot: no activity task to
   * dispatch, and no workflow task for its completion, on the path every task takes. Only a send
   * that fails is handed, after its backoff, to the activity that keeps sending until the deadline.
   */
  private InvocationResult send(Invocation invocation) {
    var version = Workflow.getVersion(FIRST_SEND_LOCAL, Workflow.DEFAULT_VERSION, 1);
    if (version == Workflow.DEFAULT_VERSION) {
      return sendingUntilDeadline().invoke(invocation);
    }
    try {
      return sendingOnce().invoke(invocation);
    } catch (ActivityFailure firstSendFailed) {
      var failure = firstSendFailed.getCause();
      var backoff = INVOCATION_RETRY.getInitialInterval();
      if (failure instanceof ApplicationFailure application) {
        if (application.isNonRetryable()) {
          throw firstSendFailed;
        }
        if (application.getNextRetryDelay() != null) {
          backoff = application.getNextRetryDelay(); // Retry-After
        }
      }
      var remaining = untilDeadline();
      Workflow.sleep(backoff.compareTo(remaining) < 0 ? backoff : remaining);
      if (Workflow.getVersion(RESEND_CANCELLABLE, Workflow.DEFAULT_VERSION, 1)
          == Workflow.DEFAULT_VERSION) {
        return sendingUntilDeadline().invoke(invocation);
      }
      return resending().resend(invocation);
    }
  }

  /**
   * The activity that sends again until the deadline. A cancel waits for its end: only then is the
   * attempt closed and the slot handed on, so that no send of this task follows.
   */
  private AlgorithmActivities resending() {
    return Workflow.newActivityStub(
        AlgorithmActivities.class,
        ActivityOptions.newBuilder()
            .setScheduleToCloseTimeout(
                task.settings().executionTimeout().plus(FIRST_SEND_ALLOWANCE))
            .setHeartbeatTimeout(RESEND_HEARTBEAT)
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            // sent again only when its worker is lost: it ends itself at the deadline
            .setRetryOptions(INVOCATION_RETRY)
            .build());
  }

  /** One send, its failure not retried here but by {@link #resending()}. */
  private AlgorithmActivities sendingOnce() {
    var timeout = task.settings().executionTimeout();
    return Workflow.newLocalActivityStub(
        AlgorithmActivities.class,
        LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(timeout.compareTo(LONGEST_SEND) < 0 ? timeout : LONGEST_SEND)
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  /**
   * Before {@link #RESEND_CANCELLABLE}: retried by Temporal. The activity itself stops sending at
   * the deadline its first send fixed; the schedule-to-close timeout only bounds an activity that
   * never starts (no worker), with room for a late first send.
   */
  private AlgorithmActivities sendingUntilDeadline() {
    var timeout = task.settings().executionTimeout();
    return Workflow.newActivityStub(
        AlgorithmActivities.class,
        ActivityOptions.newBuilder()
            .setScheduleToCloseTimeout(timeout.plus(FIRST_SEND_ALLOWANCE))
            .setStartToCloseTimeout(timeout.compareTo(LONGEST_SEND) < 0 ? timeout : LONGEST_SEND)
            .setRetryOptions(INVOCATION_RETRY)
            .build());
  }

  private Duration untilDeadline() {
    var remaining =
        Duration.ofMillis(attemptDeadline.toEpochMilli() - Workflow.currentTimeMillis());
    return remaining.isNegative() || remaining.isZero() ? Duration.ofMillis(1) : remaining;
  }

  private static AttemptResult fromCallback(CallbackReport callback) {
    if (callback.succeeded()) {
      return new AttemptResult(AttemptResult.Kind.SUCCEEDED, null, callback);
    }
    var kind =
        callback.retryable() ? AttemptResult.Kind.FAILED : AttemptResult.Kind.FAILED_FOR_GOOD;
    return new AttemptResult(kind, callback.describe(), callback);
  }

  private static String rootMessage(Throwable failure) {
    var cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  private TaskOutcome finish(
      TaskStatus end, ErrorCode errorCode, String message, CallbackReport.Output output) {
    setStatus(end);
    lastError = errorCode;
    var info = Workflow.getInfo();
    var eventId = TaskWorkflowIds.resultEventId(info.getWorkflowId(), info.getRunId());
    var publishedUri =
        records.finish(
            new TaskCompletion(
                task.taskId(),
                task.algorithm(),
                attempt,
                end,
                errorCode,
                message,
                output,
                slotToken,
                eventId));
    if (slotToken != null) {
      giveUpSlot();
    }
    return new TaskOutcome(task.taskId(), end, attempt, errorCode, message, publishedUri);
  }

  private void setStatus(TaskStatus next) {
    if (status != next) {
      status = next;
      Workflow.upsertTypedSearchAttributes(SearchAttributes.TASK_STATUS.valueSet(next.name()));
    }
  }

  @Override
  public void slotGranted(SlotGrant grant) {
    if (grant == null || grant.token() == null) {
      return;
    }
    if (slotToken != null || releasedTokens.contains(grant.token()) || status.isTerminal()) {
      log.debug("task {}: ignoring grant {}", task == null ? "?" : task.taskId(), grant.token());
      return;
    }
    pendingGrant = grant;
  }

  @Override
  public void callbackReceived(CallbackReport report) {
    if (report != null) {
      callbacks.putIfAbsent(report.attempt(), report);
    }
  }

  @Override
  public TaskState state() {
    return new TaskState(
        task.taskId(),
        task.algorithm(),
        status,
        attempt,
        task.settings().maxAttempts(),
        queuePosition,
        status == TaskStatus.RUNNING ? attemptDeadline : null,
        slotToken != null,
        lastError);
  }
}
