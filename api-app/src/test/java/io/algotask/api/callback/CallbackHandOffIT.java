package io.algotask.api.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.registry.AlgorithmChange;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.adapters.slots.HeldSlot;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tokens.CallbackTokens;
import io.algotask.api.ApiTestSupport;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The hand-off at the callback: the callback that decides an attempt frees its slot and grants and
 * signals the next waiter at once, while the finished task's workflow has not even run (its
 * stand-in workflow sits on a task queue nobody polls). A callback that decides nothing frees
 * nothing. Each test has an algorithm of its own with one slot.
 */
class CallbackHandOffIT extends ApiTestSupport {
  private static final Duration HOLD = Duration.ofMinutes(5);
  private static final String SUCCEEDED = "{\"attempt\":1,\"status\":\"SUCCEEDED\"}";

  @Autowired AlgorithmRegistry registry;
  @Autowired AlgorithmSlots slots;
  @Autowired SlotSemaphore semaphore;
  @Autowired CallbackTokens tokens;
  @Autowired MeterRegistry meters;

  private final String unpolledQueue = "handoff-it-unpolled-" + UUID.randomUUID();
  private String algorithm;

  @BeforeEach
  void anAlgorithmWithOneSlot() {
    algorithm = RUN + "-handoff-" + UUID.randomUUID().toString().substring(0, 8);
    registry.register(
        algorithm,
        new AlgorithmChange(
            URI.create("http://127.0.0.1:9/" + algorithm), null, 1, null, null, null));
  }

  @Test
  void anAcceptedCallbackGrantsAndSignalsTheNextWaiterBeforeItsOwnWorkflowEnds() throws Exception {
    var finished = runningTask("finished", Instant.now().plusSeconds(60));
    var next = waitingTask("next", true);
    var grantsBefore = handedOn();

    assertThat(callback(finished, SUCCEEDED).statusCode()).isEqualTo(202);

    var view = semaphore.inspect(algorithm, Duration.ZERO);
    assertThat(view.holders()).extracting(HeldSlot::taskId).containsExactly(next);
    var grant = view.holders().get(0);
    assertThat(view.unclaimed()).as("granted, not claimed yet").containsExactly(grant);
    assertThat(signals(next, "slotGranted"))
        .as("the next waiter is told of its slot")
        .singleElement()
        .asString()
        .contains(grant.token());
    assertThat(handedOn() - grantsBefore).as("counted as a grant handed on").isEqualTo(1);
    assertThat(workflowStatus(finished.taskId()))
        .as("the finished task's workflow has not even run")
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(signals(finished.taskId(), "callbackReceived")).hasSize(1);
    assertThat(executions.findAttempt(finished.taskId(), 1).orElseThrow().status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);

    // the workflow's own release of the same token, at its end, frees nothing and repairs nothing
    assertThat(slots.release(finished)).as("already released by the callback").isFalse();
    assertThat(semaphore.inspect(algorithm, Duration.ZERO).holders()).containsExactly(grant);
    assertThat(meters.find("algotask.slots.repairs").tag("algorithm", algorithm).counters())
        .allSatisfy(repairs -> assertThat(repairs.count()).isZero());
  }

  @Test
  void aCallbackReportingALongWaitInTheAlgorithmsQueueCutsAnAdaptiveLimit() throws Exception {
    registry.register(
        algorithm, new AlgorithmChange(null, null, 10, null, null, null, true, 1, 60, null));
    var quick = runningTask("quick", Instant.now().plusSeconds(60));
    var slow = runningTask("slow", Instant.now().plusSeconds(60));

    assertThat(
            callback(quick, "{\"attempt\":1,\"status\":\"SUCCEEDED\",\"queueMillis\":1500}")
                .statusCode())
        .isEqualTo(202);
    assertThat(semaphore.limit(algorithm)).as("within the 2 s target").hasValue(10);
    assertThat(
            callback(slow, "{\"attempt\":1,\"status\":\"SUCCEEDED\",\"queueMillis\":2500}")
                .statusCode())
        .isEqualTo(202);

    assertThat(semaphore.limit(algorithm)).as("cut by a tenth").hasValue(9);
    assertThat(
            callback(
                    runningTask("odd", Instant.now().plusSeconds(60)),
                    "{\"attempt\":1,\"status\":\"SUCCEEDED\",\"queueMillis\":-1}")
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void aRepeatedCallbackFreesNothingMore() throws Exception {
    var finished = runningTask("finished", Instant.now().plusSeconds(60));
    var next = waitingTask("next", true);
    assertThat(callback(finished, SUCCEEDED).statusCode()).isEqualTo(202);
    var after = waitingTask("after", true);

    for (int i = 0; i < 3; i++) {
      assertThat(callback(finished, SUCCEEDED).statusCode()).isEqualTo(200);
    }

    assertThat(semaphore.inspect(algorithm, Duration.ZERO).holders())
        .extracting(HeldSlot::taskId)
        .containsExactly(next);
    assertThat(semaphore.position(new SlotTask(algorithm, after))).hasValue(0);
    assertThat(signals(after, "slotGranted")).isEmpty();
  }

  /** The workflow's timer closed the attempt first (TIMED_OUT): the callback is late. */
  @Test
  void aCallbackAfterTheTimeoutClosedTheAttemptFreesNothing() throws Exception {
    var timedOut = runningTask("timed-out", Instant.now().plusSeconds(60));
    var next = waitingTask("next", true);
    transitions.closeAttempt(timedOut.taskId(), 1, ExecutionStatus.TIMED_OUT);

    assertProblem(callback(timedOut, SUCCEEDED), 409, "ATTEMPT_OVER");

    assertStillHeldBy(timedOut, next);
  }

  /** Past its deadline the attempt is over, though the workflow has not closed it yet. */
  @Test
  void aCallbackAfterTheDeadlineFreesNothing() throws Exception {
    var late = runningTask("late", Instant.now().minusSeconds(1));
    var next = waitingTask("next", true);

    assertProblem(callback(late, SUCCEEDED), 409, "ATTEMPT_OVER");

    assertStillHeldBy(late, next);
  }

  /**
   * A cancel closes the attempt by the same compare-and-set: when it wins, the workflow releases.
   */
  @Test
  void aCallbackAfterACancelClosedTheAttemptFreesNothing() throws Exception {
    var cancelled = runningTask("cancelled", Instant.now().plusSeconds(60));
    var next = waitingTask("next", true);
    transitions.closeAttempt(cancelled.taskId(), 1, ExecutionStatus.CANCELLED);

    assertProblem(callback(cancelled, SUCCEEDED), 409, "ATTEMPT_OVER");

    assertStillHeldBy(cancelled, next);
  }

  /** When the callback wins, the cancel's close finds it decided and its release frees nothing. */
  @Test
  void aCancelAfterTheCallbackFindsTheSlotHandedOn() throws Exception {
    var reported = runningTask("reported", Instant.now().plusSeconds(60));
    var next = waitingTask("next", true);
    assertThat(callback(reported, SUCCEEDED).statusCode()).isEqualTo(202);

    assertThat(transitions.closeAttempt(reported.taskId(), 1, ExecutionStatus.CANCELLED))
        .as("the callback won the attempt")
        .isPresent();
    assertThat(slots.release(reported)).isFalse();

    assertThat(semaphore.inspect(algorithm, Duration.ZERO).holders())
        .extracting(HeldSlot::taskId)
        .containsExactly(next);
  }

  /**
   * A callback that comes before the algorithm's 2xx to the invocation is recorded (a send failed
   * and is being tried again, or its answer is still being recorded): a send may still go out, so
   * the slot stays for the workflow to release once its sending has stopped. The callback is
   * accepted all the same.
   */
  @Test
  void aCallbackBeforeTheInvocationWasAcceptedLeavesTheSlotToTheWorkflow() throws Exception {
    var resent = sentTask("resent", Instant.now().plusSeconds(60));
    var next = waitingTask("next", true);

    assertThat(callback(resent, SUCCEEDED).statusCode()).isEqualTo(202);

    assertThat(signals(resent.taskId(), "callbackReceived")).hasSize(1);
    assertStillHeldBy(resent, next);
  }

  /**
   * A failed attempt that may be tried again: its slot is handed on at once, the workflow's release
   * frees nothing, and its next attempt asks for a slot again and waits its turn.
   */
  @Test
  void aRetryableFailureHandsTheSlotOnAndTheNextAttemptQueuesAgain() throws Exception {
    var failed = runningTask("failed", Instant.now().plusSeconds(60));
    var next = waitingTask("next", true);

    var failure =
        "{\"attempt\":1,\"status\":\"FAILED\",\"error\":{\"code\":\"BUSY\",\"retryable\":true}}";
    assertThat(callback(failed, failure).statusCode()).isEqualTo(202);

    assertThat(slots.release(failed)).isFalse();
    var again =
        slots.acquire(new SlotTask(algorithm, failed.taskId()), "acme", 3, Instant.now(), HOLD);
    assertThat(again.granted()).as("the slot is the next waiter's now").isFalse();
    assertThat(again.position()).isZero();
    assertThat(semaphore.inspect(algorithm, Duration.ZERO).holders())
        .extracting(HeldSlot::taskId)
        .containsExactly(next);
  }

  /**
   * The grant's signal is lost (the waiter has no workflow to tell): the grant stays written in
   * Redis, unclaimed, for the reconciler to signal again; the callback is accepted all the same.
   */
  @Test
  void aLostGrantSignalLeavesTheGrantUnclaimedForTheReconciler() throws Exception {
    var finished = runningTask("finished", Instant.now().plusSeconds(60));
    var next = waitingTask("next", false);

    assertThat(callback(finished, SUCCEEDED).statusCode()).isEqualTo(202);

    assertThat(semaphore.inspect(algorithm, Duration.ZERO).unclaimed())
        .extracting(HeldSlot::taskId)
        .containsExactly(next);
  }

  /**
   * A release that fails (here the algorithm is gone from the registry, as a release fails with
   * Redis away) leaves the slot to the workflow's own release: the callback is accepted.
   */
  @Test
  void aReleaseThatFailsDoesNotFailTheCallback() throws Exception {
    var finished = runningTask("finished", Instant.now().plusSeconds(60));
    var unknown = "handoff-unregistered-" + UUID.randomUUID();
    var taskId = newTaskId("unregistered");
    record(taskId, unknown, "1:1", Instant.now().plusSeconds(60));
    transitions.markAccepted(taskId, 1);

    assertThat(callback(new SlotTask(unknown, taskId).holding("1:1"), SUCCEEDED).statusCode())
        .isEqualTo(202);

    assertThat(executions.findAttempt(taskId, 1).orElseThrow().status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(semaphore.holders(algorithm)).as("other slots untouched").isEqualTo(1);
    assertThat(slots.release(finished)).isTrue();
  }

  /**
   * A task holding the one slot, its attempt recorded with the slot's token and the deadline, and
   * its invocation accepted by the algorithm.
   */
  private HeldSlot runningTask(String what, Instant deadline) {
    var slot = sentTask(what, deadline);
    transitions.markAccepted(slot.taskId(), 1);
    return slot;
  }

  /** A task holding the one slot, its attempt recorded as being sent, not accepted yet. */
  private HeldSlot sentTask(String what, Instant deadline) {
    var taskId = newTaskId(what);
    startStandIn(taskId);
    var acquisition =
        slots.acquire(new SlotTask(algorithm, taskId), "acme", 3, Instant.now(), HOLD);
    assertThat(acquisition.granted()).as("%s takes the free slot", what).isTrue();
    record(taskId, algorithm, acquisition.token(), deadline);
    return new SlotTask(algorithm, taskId).holding(acquisition.token());
  }

  private void record(String taskId, String algorithmName, String token, Instant deadline) {
    transitions.insertIfAbsent(
        new TaskTransitions.NewTask(
            taskId,
            algorithmName,
            "acme",
            3,
            TaskStatus.ACCEPTED,
            "algotask.task.results",
            "{}",
            null,
            null,
            Instant.now().truncatedTo(ChronoUnit.MICROS),
            null));
    transitions.startAttempt(taskId, 1, token, deadline);
  }

  /** A task waiting for the slot, with a stand-in workflow to signal or none. */
  private String waitingTask(String what, boolean withWorkflow) {
    var taskId = newTaskId(what);
    if (withWorkflow) {
      startStandIn(taskId);
    }
    var acquisition =
        slots.acquire(new SlotTask(algorithm, taskId), "acme", 3, Instant.now(), HOLD);
    assertThat(acquisition.granted()).as("%s waits", what).isFalse();
    return taskId;
  }

  /** A workflow of the task that never runs: its history holds exactly what was sent to it. */
  private void startStandIn(String taskId) {
    temporal
        .newUntypedWorkflowStub(
            "AlgorithmTaskWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(TaskWorkflowIds.forTask(taskId))
                .setTaskQueue(unpolledQueue)
                .build())
        .start();
  }

  private HttpResponse<String> callback(HeldSlot task, String body) throws Exception {
    var token =
        tokens.mint(
            new CallbackClaims(
                task.taskId(), 1, task.algorithm(), Instant.now().plusSeconds(3600)));
    return call("POST", "/v1/tasks/" + task.taskId() + "/callback", token, body);
  }

  private void assertStillHeldBy(HeldSlot holder, String waiter) {
    assertThat(semaphore.inspect(algorithm, Duration.ZERO).holders()).containsExactly(holder);
    assertThat(semaphore.position(new SlotTask(algorithm, waiter))).hasValue(0);
    assertThat(signals(waiter, "slotGranted")).isEmpty();
    assertThat(slots.release(holder)).as("the workflow's release frees it").isTrue();
    assertThat(semaphore.inspect(algorithm, Duration.ZERO).holders())
        .extracting(HeldSlot::taskId)
        .containsExactly(waiter);
  }

  /** The inputs of the signals of that name in the task's workflow history. */
  private List<String> signals(String taskId, String name) {
    return temporal.fetchHistory(TaskWorkflowIds.forTask(taskId)).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .map(e -> e.getWorkflowExecutionSignaledEventAttributes())
        .filter(signal -> signal.getSignalName().equals(name))
        .map(signal -> signal.getInput().getPayloads(0).getData().toStringUtf8())
        .toList();
  }

  private WorkflowExecutionStatus workflowStatus(String taskId) {
    return temporal
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(temporal.getOptions().getNamespace())
                .setExecution(
                    io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                        .setWorkflowId(TaskWorkflowIds.forTask(taskId)))
                .build())
        .getWorkflowExecutionInfo()
        .getStatus();
  }

  private double handedOn() {
    var counter =
        meters
            .find("algotask.slots.grants")
            .tag("algorithm", algorithm)
            .tag("how", "handed-on")
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
