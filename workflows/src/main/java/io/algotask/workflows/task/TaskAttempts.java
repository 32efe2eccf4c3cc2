package io.algotask.workflows.task;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.TaskDescriptions;
import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.task.AlgorithmActivities.Invocation;
import io.algotask.workflows.task.AlgorithmActivities.InvocationResult;
import io.algotask.workflows.task.AttemptActivities.AttemptCancelling;
import io.algotask.workflows.task.AttemptActivities.AttemptClosing;
import io.algotask.workflows.task.AttemptActivities.AttemptEnd;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The attempts of one task: each is sent to the algorithm until accepted, then waits for its
 * callback until its deadline, and ends as one {@link AttemptResult}. An attempt is counted when it
 * starts, once.
 */
final class TaskAttempts {

  /** The change id under which an attempt's first send became a local activity. */
  static final String FIRST_SEND_LOCAL = "first-send-local";

  /**
   * The change id under which the sends after a failed first send became one activity that waits
   * between them itself, heartbeating, and that a cancel ends before the attempt is closed and its
   * slot handed on (before, a resend under way could reach the algorithm after that).
   */
  static final String RESEND_CANCELLABLE = "resend-cancellable";

  private final TaskInput task;

  private int started;
  private Instant deadline;
  private final Map<Integer, CallbackReport> callbacks = new HashMap<>();

  TaskAttempts(TaskInput task) {
    this.task = task;
  }

  /** How many attempts have started. */
  int started() {
    return started;
  }

  boolean lastAllowed() {
    return started >= task.settings().maxAttempts();
  }

  /** When the current attempt is over without a callback. */
  Instant deadline() {
    return deadline;
  }

  /** A callback signal; only the first report of an attempt counts. */
  void report(CallbackReport report) {
    if (report != null) {
      callbacks.putIfAbsent(report.attempt(), report);
    }
  }

  /**
   * Runs the next attempt on the slot named by the token.
   *
   * @param whenRunning run when the attempt is about to be sent, and again when the algorithm has
   *     accepted it (its deadline is fixed then)
   */
  AttemptResult runNext(String slotToken, Runnable whenRunning) {
    var attempt = ++started;
    // an estimate until the first send fixes the deadline (the activity may start late under load)
    deadline =
        Instant.ofEpochMilli(Workflow.currentTimeMillis()).plus(task.settings().executionTimeout());
    whenRunning.run();
    InvocationResult invocation;
    try {
      invocation =
          send(
              new Invocation(
                  task.taskId(),
                  attempt,
                  task.algorithm(),
                  deadline,
                  slotToken,
                  task.settings().executionTimeout()));
    } catch (ActivityFailure sendsRanOut) {
      if (CancellationScope.current().isCancelRequested()) {
        throw sendsRanOut;
      }
      var callback = callbacks.get(attempt);
      if (callback == null) {
        callback = close(attempt, AttemptEnd.NOT_ACCEPTED);
      }
      if (callback != null) {
        return AttemptResult.of(callback);
      }
      return new AttemptResult.NotAccepted(
          "no invocation was accepted before the deadline: " + rootMessage(sendsRanOut));
    }
    if (!invocation.accepted()) {
      close(attempt, AttemptEnd.REJECTED);
      return new AttemptResult.Refused(
          "the algorithm refused the task (HTTP "
              + invocation.httpStatus()
              + "): "
              + invocation.message());
    }
    if (invocation.deadline() != null) {
      deadline = invocation.deadline();
    }
    whenRunning.run();
    if (!callbacks.containsKey(attempt)) { // a quick algorithm's callback is often here already
      TaskTimers.await(
          untilDeadline(),
          "attempt " + attempt + " deadline",
          () -> callbacks.containsKey(attempt));
    }
    var callback = callbacks.get(attempt);
    if (callback == null) {
      // The callback endpoint sets the same row: exactly one of the two decides the attempt.
      callback = close(attempt, AttemptEnd.TIMED_OUT);
    }
    if (callback == null) {
      return new AttemptResult.TimedOut("no callback within " + task.settings().executionTimeout());
    }
    return AttemptResult.of(callback);
  }

  /** Closes the running attempt of a cancelled task and tells its algorithm. */
  void cancelCurrent() {
    attempts("cancel attempt " + started + " and tell " + task.algorithm())
        .cancel(new AttemptCancelling(task.taskId(), started, task.algorithm()));
  }

  private CallbackReport close(int attempt, AttemptEnd end) {
    return attempts("close attempt " + attempt + ": " + end)
        .close(new AttemptClosing(task.taskId(), attempt, end));
  }

  private static AttemptActivities attempts(String summary) {
    return Workflow.newLocalActivityStub(
        AttemptActivities.class, TaskActivityOptions.quickStep(summary));
  }

  /**
   * Sends the attempt until the algorithm answers it. Since {@link #FIRST_SEND_LOCAL}, the first
   * send is a local activity within the workflow task that holds the slot: no activity task to
   * dispatch, and no workflow task for its completion, on the path every task takes. Only a send
   * that fails is handed, after its backoff, to the activity that keeps sending until the deadline.
   */
  private InvocationResult send(Invocation invocation) {
    var timeout = task.settings().executionTimeout();
    var attempt = "attempt " + invocation.attempt();
    var sends = "send " + attempt + " to " + task.algorithm();
    if (Workflow.getVersion(FIRST_SEND_LOCAL, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return algorithm(TaskActivityOptions.sendUntilDeadline(timeout, sends)).invoke(invocation);
    }
    try {
      return Workflow.newLocalActivityStub(
              AlgorithmActivities.class,
              TaskActivityOptions.sendOnce(
                  timeout, "record " + attempt + " start and send it to " + task.algorithm()))
          .invoke(invocation);
    } catch (ActivityFailure firstSendFailed) {
      var failure = firstSendFailed.getCause();
      var backoff = TaskActivityOptions.INVOCATION_RETRY.getInitialInterval();
      if (failure instanceof ApplicationFailure application) {
        if (application.isNonRetryable()) {
          throw firstSendFailed;
        }
        if (application.getNextRetryDelay() != null) {
          backoff = application.getNextRetryDelay(); // Retry-After
        }
      }
      var remaining = untilDeadline();
      var wait = backoff.compareTo(remaining) < 0 ? backoff : remaining;
      TaskTimers.sleep(wait, attempt + " resend in " + TaskDescriptions.duration(wait));
      var resends = "resend " + attempt + " to " + task.algorithm() + " until its deadline";
      if (Workflow.getVersion(RESEND_CANCELLABLE, Workflow.DEFAULT_VERSION, 1)
          == Workflow.DEFAULT_VERSION) {
        return algorithm(TaskActivityOptions.sendUntilDeadline(timeout, resends))
            .invoke(invocation);
      }
      return algorithm(TaskActivityOptions.resend(timeout, resends)).resend(invocation);
    }
  }

  private static AlgorithmActivities algorithm(ActivityOptions options) {
    return Workflow.newActivityStub(AlgorithmActivities.class, options);
  }

  private Duration untilDeadline() {
    var remaining = Duration.ofMillis(deadline.toEpochMilli() - Workflow.currentTimeMillis());
    return remaining.isNegative() || remaining.isZero() ? Duration.ofMillis(1) : remaining;
  }

  private static String rootMessage(Throwable failure) {
    var cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
