package io.algotask.workflows.task;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Stand-ins for the three activity interfaces, scripted per test: the slot semaphore grants or
 * queues, the algorithm accepts, refuses or fails, and "calls back" by signalling the workflow as a
 * real algorithm would (through api-app).
 */
final class ScriptedActivities {

  /** What the algorithm does with one invocation. */
  sealed interface Reaction permits Accept, Refuse, Unreachable, FailsOnce, BusyUntilCancelled {}

  /** 2xx, then the given callback (or none, so that the attempt times out). */
  record Accept(CallbackReport callback) implements Reaction {}

  record Refuse(int status, String message) implements Reaction {}

  /** every send fails, as with a 5xx or no answer */
  record Unreachable() implements Reaction {}

  /** One send fails: busy (429) with its Retry-After, or with no retry delay (a 5xx). */
  record FailsOnce(Duration retryAfter) implements Reaction {}

  /**
   * Busy (Retry-After: 1 s) at the first send; the resend then waits, heartbeating, until it is
   * cancelled, as a resend between two busy answers does.
   */
  record BusyUntilCancelled() implements Reaction {}

  /** When each invocation was sent, on the test server's clock. */
  final List<Instant> sendTimes = Collections.synchronizedList(new ArrayList<>());

  final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  /** How many slot requests fail before one gets through, as while PostgreSQL restarts. */
  final AtomicInteger acquireFailures = new AtomicInteger();

  /**
   * How much later than the workflow scheduled it the first send happens: it moves the deadline.
   */
  volatile Duration firstSendDelay = Duration.ZERO;

  /**
   * Completions by event id. A local activity runs at least once (a signal arriving while it runs
   * can make the SDK run it again), so the real one is idempotent per event id, and so is this.
   */
  final Map<String, TaskEndActivities.TaskEnd> completionsByEvent =
      Collections.synchronizedMap(new LinkedHashMap<>());

  final Deque<Reaction> reactions = new ArrayDeque<>();
  final Deque<SlotActivities.SlotAcquisition> acquisitions = new ArrayDeque<>();

  /** what closeAttempt answers: null means the workflow's close won the row */
  volatile CallbackReport callbackThatWonTheRow;

  private final AtomicInteger tokens = new AtomicInteger();
  private WorkflowClient client;
  private LongSupplier clock = System::currentTimeMillis;

  void connect(WorkflowClient client, LongSupplier clock) {
    this.client = client;
    this.clock = clock;
  }

  String nextToken() {
    return "e1:" + tokens.incrementAndGet();
  }

  final SlotActivities slots =
      new SlotActivities() {
        @Override
        public SlotAcquisition acquire(SlotRequest request) {
          calls.add("acquire");
          if (acquireFailures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            throw new IllegalStateException("the records are away");
          }
          synchronized (acquisitions) {
            var next = acquisitions.poll();
            return next != null ? next : SlotAcquisition.grantedWith(nextToken());
          }
        }

        @Override
        public void leave(SlotRequest request) {
          calls.add("leave");
        }

        @Override
        public void release(SlotRelease slot) {
          calls.add("release " + slot.token());
        }
      };

  /**
   * The algorithm's answers. A resend here sends once: where the real one would go on sending until
   * the deadline (an unreachable service), it ends as it would then, with a failure not retried.
   */
  final AlgorithmActivities algorithm =
      new AlgorithmActivities() {
        @Override
        public InvocationResult invoke(Invocation invocation) {
          return send("invoke", invocation);
        }

        @Override
        public InvocationResult resend(Invocation invocation) {
          try {
            return send("resend", invocation);
          } catch (ApplicationFailure failure) {
            if (failure.isNonRetryable()) {
              throw failure;
            }
            throw ApplicationFailure.newNonRetryableFailure(
                failure.getOriginalMessage(), "AttemptNotAccepted");
          }
        }
      };

  private AlgorithmActivities.InvocationResult send(
      String kind, AlgorithmActivities.Invocation invocation) {
    var call = kind + " " + invocation.attempt();
    calls.add(call);
    sendTimes.add(Instant.ofEpochMilli(clock.getAsLong()));
    Reaction reaction;
    synchronized (reactions) {
      reaction = reactions.isEmpty() ? new Accept(null) : reactions.peek();
      if (!(reaction instanceof Unreachable)) {
        reactions.poll();
      }
    }
    if (reaction instanceof Refuse refuse) {
      return new AlgorithmActivities.InvocationResult(
          false, refuse.status(), refuse.message(), null);
    }
    if (reaction instanceof Unreachable) {
      throw ApplicationFailure.newFailure("connection refused", "AlgorithmUnavailable");
    }
    if (reaction instanceof BusyUntilCancelled) {
      if (Activity.getExecutionContext().getInfo().isLocal()) {
        synchronized (reactions) {
          reactions.push(reaction); // for the resend
        }
        throw ApplicationFailure.newBuilder()
            .setType("AlgorithmBusy")
            .setMessage("not now")
            .setNextRetryDelay(Duration.ofSeconds(1))
            .build();
      }
      heartbeatUntilCancelled(call);
    }
    if (reaction instanceof FailsOnce failsOnce) {
      throw ApplicationFailure.newBuilder()
          .setType(failsOnce.retryAfter() == null ? "AlgorithmUnavailable" : "AlgorithmBusy")
          .setMessage("not now")
          .setNextRetryDelay(failsOnce.retryAfter())
          .build();
    }
    var callback = ((Accept) reaction).callback();
    if (callback != null) {
      signalCallback(invocation.taskId(), callback);
    }
    return new AlgorithmActivities.InvocationResult(
        true, 202, null, invocation.deadline().plus(firstSendDelay));
  }

  /** Waits as a resend between busy answers does, until the workflow cancels it. */
  private void heartbeatUntilCancelled(String call) {
    try {
      while (true) {
        Activity.getExecutionContext().heartbeat(null);
        Thread.sleep(50);
      }
    } catch (ActivityCanceledException cancelled) {
      calls.add(call + " cancelled");
      throw cancelled;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  final AttemptActivities attempts =
      new AttemptActivities() {
        @Override
        public CallbackReport close(AttemptClosing closing) {
          calls.add("close " + closing.attempt() + " " + closing.end());
          return callbackThatWonTheRow;
        }

        @Override
        public void cancel(AttemptCancelling cancelling) {
          calls.add("cancel " + cancelling.attempt());
        }
      };

  final TaskEndActivities ending =
      new TaskEndActivities() {
        @Override
        public String endAndPublish(TaskEnd completion) {
          if (completionsByEvent.putIfAbsent(completion.eventId(), completion) == null) {
            calls.add("finish " + completion.status());
          }
          return completion.output() == null ? null : completion.output().uri();
        }
      };

  List<TaskEndActivities.TaskEnd> completions() {
    synchronized (completionsByEvent) {
      return List.copyOf(completionsByEvent.values());
    }
  }

  void signalCallback(String taskId, CallbackReport callback) {
    client
        .newWorkflowStub(AlgorithmTaskWorkflow.class, TaskWorkflowIds.forTask(taskId))
        .callbackReceived(callback);
  }

  static CallbackReport succeeded(int attempt) {
    return new CallbackReport(
        attempt,
        CallbackReport.Outcome.SUCCEEDED,
        new CallbackReport.Output("s3://results/t/" + attempt, "application/json", 12L),
        null);
  }

  static CallbackReport failed(int attempt, boolean retryable) {
    return new CallbackReport(
        attempt,
        CallbackReport.Outcome.FAILED,
        null,
        new CallbackReport.Error("OCR_ENGINE", "page 3 unreadable", retryable));
  }
}
