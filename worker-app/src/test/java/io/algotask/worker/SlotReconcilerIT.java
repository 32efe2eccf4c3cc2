package io.algotask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.activities.SlotReconciler;
import io.algotask.adapters.records.TaskStore;
import io.algotask.adapters.records.TaskStore.NewTask;
import io.algotask.adapters.slots.SlotGrant;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.lettuce.core.api.StatefulRedisConnection;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The reconciler against the real stack. The tasks' workflows here are stand-ins started on a task
 * queue that no worker polls: they stay running until the test terminates them, as an operator
 * would in the Web UI, and the signals they get are read back from their histories. Passes are run
 * by the test (the schedule is off), one algorithm of its own per run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("it")
class SlotReconcilerIT {
  private static final String ALGORITHM =
      "reconcile-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String NOBODY_POLLS = ALGORITHM + "-unpolled";
  private static final Duration HOLD = Duration.ofMinutes(10);

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("algotask.reconciler.enabled", () -> "false");
    registry.add("algotask.reconciler.claim-timeout", () -> "0s");
    registry.add("algotask.reconciler.waiter-check-interval", () -> "0s");
    registry.add("algotask.algorithms." + ALGORITHM + ".endpoint", () -> "http://127.0.0.1:9/x");
    registry.add("algotask.algorithms." + ALGORITHM + ".max-concurrency", () -> "1");
  }

  @Autowired SlotReconciler reconciler;
  @Autowired SlotSemaphore semaphore;
  @Autowired TaskStore store;
  @Autowired WorkflowClient temporal;
  @Autowired JdbcTemplate jdbc;
  @Autowired StatefulRedisConnection<String, String> redis;

  private final List<String> created = new ArrayList<>();
  private final Map<String, String> runIds = new HashMap<>();
  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  /** The first pass of an epoch rebuilds from the records; here they hold nothing open yet. */
  @BeforeEach
  void startFromAReconciledEmptyState() {
    reconciler.reconcile(ALGORITHM);
  }

  @AfterEach
  void forgetTheTasksAndSlots() {
    for (var taskId : created) {
      try {
        temporal.newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId)).terminate("test over");
      } catch (RuntimeException alreadyClosed) {
        // nothing to stop
      }
    }
    reconciler.reconcile(ALGORITHM); // frees what the terminated stand-ins held
    for (var taskId : created) {
      jdbc.update("delete from task_execution where task_id = ?", taskId);
      jdbc.update("delete from task_event where task_id = ?", taskId);
      jdbc.update("delete from task where task_id = ?", taskId);
    }
    redis.sync().del(semaphore.keys(ALGORITHM));
  }

  /** A task recorded as queued, with a running stand-in workflow. */
  private String task(String name, int priority, Instant arrival) {
    var taskId = ALGORITHM + "-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
    created.add(taskId);
    var request =
        """
        {"taskId": "%s", "algorithm": "%s", "tenant": "acme", "priority": %d,
         "replyTopic": "algotask.task.results", "queueTimeoutSeconds": 600,
         "executionTimeoutSeconds": 60, "maxAttempts": 1, "metadata": {}}
        """
            .formatted(taskId, ALGORITHM, priority);
    store.insertIfAbsent(
        new NewTask(
            taskId,
            ALGORITHM,
            "acme",
            priority,
            TaskStatus.ACCEPTED,
            "algotask.task.results",
            request,
            null,
            null,
            arrival,
            null));
    store.markQueued(taskId);
    var run =
        temporal
            .newUntypedWorkflowStub(
                "AlgorithmTaskWorkflow",
                WorkflowOptions.newBuilder()
                    .setWorkflowId(TaskWorkflowIds.forTask(taskId))
                    .setTaskQueue(NOBODY_POLLS)
                    .build())
            .start();
    runIds.put(taskId, run.getRunId());
    return taskId;
  }

  private SlotSemaphore.Acquisition acquire(String taskId, int priority, Instant arrival) {
    return semaphore.acquire(ALGORITHM, taskId, priority, arrival, HOLD, 1);
  }

  /** A task whose attempt 1 runs with the slot, as the invoke activity records it. */
  private String runningTask(String name) {
    var taskId = task(name, 1, t0);
    var acquisition = acquire(taskId, 1, t0);
    assertThat(acquisition.granted()).isTrue();
    store.startAttempt(taskId, 1, acquisition.token(), Instant.now().plus(HOLD));
    semaphore.claim(ALGORITHM, taskId, acquisition.token(), HOLD);
    return taskId;
  }

  private void terminate(String taskId) {
    temporal
        .newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId))
        .terminate("terminated by an operator");
  }

  private List<String> slotSignalsOf(String taskId) {
    return temporal.fetchHistory(TaskWorkflowIds.forTask(taskId)).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName())
        .filter(name -> name.equals("slotGranted"))
        .toList();
  }

  private List<String> holders() {
    return semaphore.inspect(ALGORITHM, HOLD).holders().stream().map(SlotGrant::taskId).toList();
  }

  @Test
  void aTerminatedHoldersSlotGoesToTheNextWaiterAndItsTaskEndsCancelledWithOneResult() {
    var running = runningTask("running");
    var waiting = task("waiting", 1, t0.plusSeconds(1));
    assertThat(acquire(waiting, 1, t0.plusSeconds(1)).granted()).isFalse();

    terminate(running);
    reconciler.reconcile(ALGORITHM);

    assertThat(holders()).containsExactly(waiting);
    assertThat(slotSignalsOf(waiting)).hasSize(1);
    var ended = store.find(running).orElseThrow();
    assertThat(ended.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(ended.errorCode()).isEqualTo(ErrorCode.CANCELLED.name());
    assertThat(ended.errorMessage()).contains("terminated");
    assertThat(ended.resultPublishedAt()).as("its one result is on the reply topic").isNotNull();
    assertThat(ended.resultEventId())
        .isEqualTo(
            TaskWorkflowIds.resultEventId(TaskWorkflowIds.forTask(running), runIds.get(running)));
    assertThat(store.findExecution(running, 1).orElseThrow().status().isOpen()).isFalse();

    var publishedAt = ended.resultPublishedAt();
    reconciler.reconcile(ALGORITHM);
    assertThat(store.find(running).orElseThrow().resultPublishedAt())
        .as("a second pass publishes nothing again")
        .isEqualTo(publishedAt);
  }

  @Test
  void aGrantNotClaimedIsSignalledAgainUntilItIsClaimed() {
    var holder = runningTask("holder");
    var waiter = task("waiter", 1, t0.plusSeconds(1));
    acquire(waiter, 1, t0.plusSeconds(1));
    // handed on without a signal, as when the process that released died before signalling
    var token = store.findExecution(holder, 1).orElseThrow().slotToken();
    var grant = semaphore.release(ALGORITHM, holder, token, 1).othersGranted();
    assertThat(grant).extracting(SlotGrant::taskId).containsExactly(waiter);
    assertThat(slotSignalsOf(waiter)).isEmpty();

    reconciler.reconcile(ALGORITHM);
    assertThat(slotSignalsOf(waiter)).hasSize(1);
    reconciler.reconcile(ALGORITHM);
    assertThat(slotSignalsOf(waiter)).hasSize(2);

    semaphore.claim(ALGORITHM, waiter, grant.get(0).token(), HOLD);
    reconciler.reconcile(ALGORITHM);
    assertThat(slotSignalsOf(waiter)).as("a claimed grant is left alone").hasSize(2);
    assertThat(holders()).containsExactly(waiter);
  }

  @Test
  void waitersWhoseWorkflowIsGoneLeaveTheQueueAndATerminatedOnesTaskEnds() {
    runningTask("holder");
    var unknown = ALGORITHM + "-never-started";
    acquire(unknown, 1, t0.plusSeconds(1));
    var terminated = task("terminated", 1, t0.plusSeconds(2));
    acquire(terminated, 1, t0.plusSeconds(2));
    var alive = task("alive", 1, t0.plusSeconds(3));
    acquire(alive, 1, t0.plusSeconds(3));
    terminate(terminated);

    reconciler.reconcile(ALGORITHM);

    assertThat(semaphore.waiters(ALGORITHM, 0, 10)).containsExactly(alive);
    assertThat(store.find(terminated).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
  }

  @Test
  void afterRedisLostItsStateTheRecordsPutBackHoldersWithTheirTokensAndWaitersInOrder() {
    var running = runningTask("running");
    var token = store.findExecution(running, 1).orElseThrow().slotToken();
    var urgent = task("urgent", 1, t0.plusSeconds(2));
    var earlier = task("earlier", 3, t0.plusSeconds(1));
    var later = task("later", 3, t0.plusSeconds(3));
    for (var waiter : List.of(later, urgent, earlier)) {
      acquire(waiter, waiter.equals(urgent) ? 1 : 3, store.find(waiter).get().submittedAt());
    }
    var before = semaphore.waiters(ALGORITHM, 0, 10);
    var epochBefore = semaphore.inspect(ALGORITHM, HOLD).epoch();
    redis.sync().del(semaphore.keys(ALGORITHM)); // what a FLUSHALL does to this algorithm
    awaitTheNextMillisecond();

    reconciler.reconcile(ALGORITHM);

    var after = semaphore.inspect(ALGORITHM, HOLD);
    assertThat(after.epoch()).isNotEqualTo(epochBefore);
    assertThat(after.needsRebuild()).isFalse();
    assertThat(after.holders()).containsExactly(new SlotGrant(running, token));
    assertThat(semaphore.waiters(ALGORITHM, 0, 10))
        .containsExactlyElementsOf(before)
        .containsExactly(urgent, earlier, later);

    // the running task's release, with the token it had before the loss, frees its slot
    assertThat(semaphore.release(ALGORITHM, running, token, 1).othersGranted())
        .extracting(SlotGrant::taskId)
        .containsExactly(urgent);
  }

  private static void awaitTheNextMillisecond() {
    var next = Instant.now().plusMillis(2);
    while (Instant.now().isBefore(next)) {
      Thread.onSpinWait();
    }
  }
}
