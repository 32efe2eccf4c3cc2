package io.algotask.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskExecutionRecords;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.records.TaskTransitions.NewTask;
import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.slots.HeldSlot;
import io.algotask.adapters.slots.ReconcilerLease;
import io.algotask.adapters.slots.SlotProperties;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.worker.reconciler.SlotReconciler;
import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.model.TaskOutcome;
import io.algotask.workflows.model.TaskState;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.algotask.workflows.task.AlgorithmTaskWorkflow;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
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
    // keys, and so the reconciler's lease, of this run's own: another test context still alive in
    // this JVM runs a reconciler of its own on the default keys
    registry.add("algotask.slots.key-prefix", () -> "algotask:slots:" + ALGORITHM + ":");
    registry.add("algotask.reconciler.claim-timeout", () -> "0s");
    registry.add("algotask.reconciler.resignal-interval", () -> "300ms");
    registry.add("algotask.reconciler.resignal-interval-cap", () -> "1200ms");
    // the stand-ins on the unpolled queue cannot answer: the reconciler must not wait long
    registry.add("algotask.reconciler.state-query-timeout", () -> "500ms");
    // the lease lives three intervals: 300 ms, shorter than a pass that waits on a query
    registry.add("algotask.reconciler.interval", () -> "100ms");
    registry.add("algotask.reconciler.waiter-check-interval", () -> "0s");
    registry.add("algotask.reconciler.describe-concurrency", () -> "4");
    registry.add("algotask.algorithms." + ALGORITHM + ".endpoint", () -> "http://127.0.0.1:9/x");
    registry.add("algotask.algorithms." + ALGORITHM + ".max-concurrency", () -> "1");
  }

  @Autowired SlotReconciler reconciler;
  @Autowired SlotSemaphore semaphore;
  @Autowired TaskRecords tasks;
  @Autowired TaskExecutionRecords executions;
  @Autowired TaskTransitions transitions;
  @Autowired WorkflowClient temporal;
  @Autowired JdbcTemplate jdbc;
  @Autowired RedisConnection redis;
  @Autowired SlotProperties slotProperties;
  @Autowired MeterRegistry meters;

  /** Counts the describes the app's stubs send, and slows their answers when asked to. */
  static final DescribeCalls DESCRIBES = new DescribeCalls();

  @TestConfiguration
  static class CountedDescribes {
    @Bean
    TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> countedDescribes() {
      return builder -> builder.addGrpcClientInterceptor(DESCRIBES);
    }
  }

  /**
   * Sees each DescribeWorkflowExecution call, from its start to its answer, and delays its answer
   * by {@link #answerDelay} without holding the calling thread: a Temporal far away, as seen by the
   * client.
   */
  static final class DescribeCalls implements ClientInterceptor {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();
    volatile Duration answerDelay = Duration.ZERO;
    private final ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();

    void reset(Duration delay) {
      calls.set(0);
      mostInFlight.set(0);
      answerDelay = delay;
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(
        MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      var call = next.newCall(method, options);
      if (!method.getFullMethodName().endsWith("/DescribeWorkflowExecution")) {
        return call;
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<A> listener, Metadata headers) {
          calls.incrementAndGet();
          mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          var delay = answerDelay;
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                  Runnable close =
                      () -> {
                        inFlight.decrementAndGet();
                        super.onClose(status, trailers);
                      };
                  if (delay.isZero()) {
                    close.run();
                  } else {
                    answers.schedule(close, delay.toMillis(), TimeUnit.MILLISECONDS);
                  }
                }
              },
              headers);
        }
      };
    }
  }

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
    DESCRIBES.reset(Duration.ZERO);
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
    redis.sync().del(semaphore.keys(ALGORITHM).all());
  }

  /** A task recorded as queued, with a running stand-in workflow. */
  private String task(String name, int priority, Instant arrival) {
    return task(name, priority, arrival, NOBODY_POLLS);
  }

  private String task(String name, int priority, Instant arrival, String taskQueue) {
    var taskId = ALGORITHM + "-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
    created.add(taskId);
    var request =
        """
        {"taskId": "%s", "algorithm": "%s", "tenant": "acme", "priority": %d,
         "replyTopic": "algotask.task.results", "queueTimeoutSeconds": 600,
         "executionTimeoutSeconds": 60, "maxAttempts": 1, "metadata": {}}
        """
            .formatted(taskId, ALGORITHM, priority);
    transitions.insertIfAbsent(
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
    transitions.markQueued(taskId);
    var run =
        temporal
            .newUntypedWorkflowStub(
                "AlgorithmTaskWorkflow",
                WorkflowOptions.newBuilder()
                    .setWorkflowId(TaskWorkflowIds.forTask(taskId))
                    .setTaskQueue(taskQueue)
                    .build())
            .start();
    runIds.put(taskId, run.getRunId());
    return taskId;
  }

  private SlotSemaphore.Acquisition acquire(String taskId, int priority, Instant arrival) {
    return semaphore.acquire(new SlotTask(ALGORITHM, taskId), priority, arrival, HOLD, 1);
  }

  /** A task whose attempt 1 runs with the slot, as the invoke activity records it. */
  private String runningTask(String name) {
    var taskId = task(name, 1, t0);
    var acquisition = acquire(taskId, 1, t0);
    assertThat(acquisition.granted()).isTrue();
    transitions.startAttempt(taskId, 1, acquisition.token(), Instant.now().plus(HOLD));
    semaphore.claim(new SlotTask(ALGORITHM, taskId).holding(acquisition.token()), HOLD);
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
    return semaphore.inspect(ALGORITHM, HOLD).holders().stream().map(HeldSlot::taskId).toList();
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
    var ended = tasks.findById(running).orElseThrow();
    assertThat(ended.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(ended.errorCode()).isEqualTo(ErrorCode.CANCELLED.name());
    assertThat(ended.errorMessage()).contains("terminated");
    assertThat(ended.resultPublishedAt()).as("its one result is on the reply topic").isNotNull();
    assertThat(ended.resultEventId())
        .isEqualTo(
            TaskWorkflowIds.resultEventId(TaskWorkflowIds.forTask(running), runIds.get(running)));
    assertThat(executions.findAttempt(running, 1).orElseThrow().status().isOpen()).isFalse();

    var publishedAt = ended.resultPublishedAt();
    reconciler.reconcile(ALGORITHM);
    assertThat(tasks.findById(running).orElseThrow().resultPublishedAt())
        .as("a second pass publishes nothing again")
        .isEqualTo(publishedAt);
  }

  /** A grant handed on without a signal, as when the process that released died before it. */
  private HeldSlot grantWithoutASignal(String waiter) {
    var holder = runningTask("holder");
    acquire(waiter, 1, t0.plusSeconds(1));
    var token = executions.findAttempt(holder, 1).orElseThrow().slotToken();
    var grant =
        semaphore.release(new SlotTask(ALGORITHM, holder).holding(token), 1).othersGranted();
    assertThat(grant).extracting(HeldSlot::taskId).containsExactly(waiter);
    assertThat(slotSignalsOf(waiter)).isEmpty();
    return grant.get(0);
  }

  private List<Instant> slotSignalTimesOf(String taskId) {
    return temporal.fetchHistory(TaskWorkflowIds.forTask(taskId)).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .filter(
            e ->
                e.getWorkflowExecutionSignaledEventAttributes()
                    .getSignalName()
                    .equals("slotGranted"))
        .map(e -> Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos()))
        .toList();
  }

  /** Runs passes back to back until the task has the given number of slot signals. */
  private void passUntilSignalled(String taskId, int signals) {
    await("signal " + signals)
        .atMost(Duration.ofSeconds(15))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              if (slotSignalsOf(taskId).size() >= signals) {
                return true;
              }
              reconciler.reconcile(ALGORITHM);
              return false;
            });
  }

  @Test
  void aGrantNotClaimedIsSignalledAgainAtGrowingIntervalsUntilItIsClaimed() {
    var waiter = task("waiter", 1, t0.plusSeconds(1));
    var grant = grantWithoutASignal(waiter);

    reconciler.reconcile(ALGORITHM);
    assertThat(slotSignalsOf(waiter)).hasSize(1);
    reconciler.reconcile(ALGORITHM);
    assertThat(slotSignalsOf(waiter)).as("the next pass at once signals nothing").hasSize(1);

    passUntilSignalled(waiter, 4); // intervals of 300, 600 and 1200 ms (the cap)
    var times = slotSignalTimesOf(waiter);
    var gaps =
        List.of(
            Duration.between(times.get(0), times.get(1)),
            Duration.between(times.get(1), times.get(2)),
            Duration.between(times.get(2), times.get(3)));
    assertThat(gaps.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(gaps.get(1))
        .isGreaterThanOrEqualTo(Duration.ofMillis(600))
        .isGreaterThan(gaps.get(0));
    assertThat(gaps.get(2))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1200))
        .isGreaterThan(gaps.get(1));

    semaphore.claim(new SlotTask(ALGORITHM, waiter).holding(grant.token()), HOLD);
    reconciler.reconcile(ALGORITHM);
    assertThat(slotSignalsOf(waiter)).as("a claimed grant is left alone").hasSize(4);
    assertThat(holders()).containsExactly(waiter);
  }

  /**
   * Stands in for a task's workflow whose worker is up but slow to claim its slot: it answers the
   * state query, holding the slot once it got a grant.
   */
  public static class AnsweringStandIn implements AlgorithmTaskWorkflow {
    private String token;

    @Override
    public TaskOutcome run(TaskInput input) {
      Workflow.await(() -> false);
      return null;
    }

    @Override
    public void slotGranted(io.algotask.workflows.model.SlotGrant grant) {
      token = grant.token();
    }

    @Override
    public void callbackReceived(CallbackReport report) {}

    @Override
    public TaskState state() {
      return new TaskState(
          null, ALGORITHM, TaskStatus.QUEUED, 1, 1, null, null, token != null, null, null);
    }
  }

  @Test
  void aGrantItsWorkflowHoldsAlreadyIsNotSignalledAgain() {
    var answering = ALGORITHM + "-answering";
    var workers = WorkerFactory.newInstance(temporal);
    workers.newWorker(answering).registerWorkflowImplementationTypes(AnsweringStandIn.class);
    workers.start();
    try {
      var waiter = task("waiter", 1, t0.plusSeconds(1), answering);
      grantWithoutASignal(waiter);

      reconciler.reconcile(ALGORITHM);
      assertThat(slotSignalsOf(waiter)).as("it did not hold it: signalled").hasSize(1);

      // passes over several intervals: the workflow says it holds the slot each time it is asked
      var until = Instant.now().plusMillis(2500);
      while (Instant.now().isBefore(until)) {
        reconciler.reconcile(ALGORITHM);
      }
      assertThat(slotSignalsOf(waiter)).as("no signal to a workflow holding its slot").hasSize(1);
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void aPassSlowerThanItsLeaseKeepsTheLeaseThroughout() throws Exception {
    var waiter = task("waiter", 1, t0.plusSeconds(1));
    grantWithoutASignal(waiter); // its stand-in cannot answer: the pass waits 500 ms on it
    var leaseKey = slotProperties.keyPrefix() + "reconciler";
    var rival =
        new ReconcilerLease(
            redis, slotProperties, new SimpleMeterRegistry()); // another worker's reconciler
    var rivalLed = new AtomicBoolean();
    try {
      var started = System.nanoTime();
      var pass = CompletableFuture.runAsync(reconciler::reconcileIfLeader);
      while (redis.sync().get(leaseKey) == null && !pass.isDone()) {
        Thread.onSpinWait();
      }
      while (!pass.isDone()) {
        rivalLed.compareAndSet(false, rival.hold(Duration.ofMillis(300)));
        Thread.sleep(20);
      }
      pass.get();

      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("the pass outlasted the lease's 300 ms")
          .isGreaterThan(Duration.ofMillis(300));
      assertThat(slotSignalsOf(waiter)).as("the pass did its work").hasSize(1);
      assertThat(rivalLed).as("no other process led during the pass").isFalse();
    } finally {
      redis.sync().del(leaseKey);
    }
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
    assertThat(tasks.findById(terminated).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
  }

  @Test
  void afterRedisLostItsStateTheRecordsPutBackHoldersWithTheirTokensAndWaitersInOrder() {
    var running = runningTask("running");
    var token = executions.findAttempt(running, 1).orElseThrow().slotToken();
    var urgent = task("urgent", 1, t0.plusSeconds(2));
    var earlier = task("earlier", 3, t0.plusSeconds(1));
    var later = task("later", 3, t0.plusSeconds(3));
    for (var waiter : List.of(later, urgent, earlier)) {
      acquire(waiter, waiter.equals(urgent) ? 1 : 3, tasks.findById(waiter).get().submittedAt());
    }
    var before = semaphore.waiters(ALGORITHM, 0, 10);
    var epochBefore = semaphore.inspect(ALGORITHM, HOLD).epoch();
    redis.sync().del(semaphore.keys(ALGORITHM).all()); // what a FLUSHALL does to this algorithm
    awaitTheNextMillisecond();

    reconciler.reconcile(ALGORITHM);

    var after = semaphore.inspect(ALGORITHM, HOLD);
    assertThat(after.epoch()).isNotEqualTo(epochBefore);
    assertThat(after.needsRebuild()).isFalse();
    assertThat(after.holders()).containsExactly(new SlotTask(ALGORITHM, running).holding(token));
    assertThat(semaphore.waiters(ALGORITHM, 0, 10))
        .containsExactlyElementsOf(before)
        .containsExactly(urgent, earlier, later);

    // the running task's release, with the token it had before the loss, frees its slot
    assertThat(
            semaphore.release(new SlotTask(ALGORITHM, running).holding(token), 1).othersGranted())
        .extracting(HeldSlot::taskId)
        .containsExactly(urgent);
  }

  /**
   * The callback endpoint released a task's slot when it decided the attempt, and the task's
   * workflow is still finishing: nothing to repair, neither in a pass nor in a rebuild from the
   * records after Redis lost its state (the records show its attempt decided, so it is put back as
   * neither holder nor waiter).
   */
  @Test
  void aTaskWhoseCallbackReleasedItsSlotWhileItsWorkflowFinishesIsNothingToRepair() {
    var reported = runningTask("reported");
    var next = task("next", 1, t0.plusSeconds(1));
    acquire(next, 1, t0.plusSeconds(1));
    transitions.markAccepted(reported, 1);
    var decision =
        transitions.decideCallback(
            reported,
            1,
            ExecutionStatus.SUCCEEDED,
            "{\"attempt\":1,\"status\":\"SUCCEEDED\"}",
            Instant.now());
    var grant =
        semaphore
            .release(new SlotTask(ALGORITHM, reported).holding(decision.slotToken()), 1)
            .othersGranted()
            .get(0);
    transitions.startAttempt(next, 1, grant.token(), Instant.now().plus(HOLD));
    semaphore.claim(grant, HOLD);
    var repairsBefore = repairs();

    reconciler.reconcile(ALGORITHM);

    assertThat(holders()).containsExactly(next);
    assertThat(semaphore.waiters(ALGORITHM, 0, 10)).isEmpty();
    assertThat(repairs()).as("no repair").isEqualTo(repairsBefore);
    assertThat(tasks.findById(reported).orElseThrow().status())
        .as("its workflow ends it")
        .isEqualTo(TaskStatus.RUNNING);

    redis.sync().del(semaphore.keys(ALGORITHM).all());
    awaitTheNextMillisecond();
    reconciler.reconcile(ALGORITHM);

    assertThat(semaphore.inspect(ALGORITHM, HOLD).holders()).containsExactly(grant);
    assertThat(semaphore.waiters(ALGORITHM, 0, 10))
        .as("the reported task waits for nothing")
        .isEmpty();
  }

  private double repairs() {
    return meters.find("algotask.slots.repairs").tag("algorithm", ALGORITHM).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Test
  void aPassDescribesEachHolderAndWaiterOnceWithTheDescribesInFlightTogether() {
    int holders = 8;
    int waiters = 4;
    for (int i = 0; i < holders; i++) {
      var taskId = task("holder-" + i, 1, t0);
      var granted = semaphore.acquire(new SlotTask(ALGORITHM, taskId), 1, t0, HOLD, holders);
      assertThat(granted.granted()).isTrue();
      semaphore.claim(new SlotTask(ALGORITHM, taskId).holding(granted.token()), HOLD);
    }
    for (int i = 0; i < waiters; i++) {
      var arrival = t0.plusSeconds(1 + i);
      var taskId = task("waiter-" + i, 1, arrival);
      assertThat(semaphore.acquire(new SlotTask(ALGORITHM, taskId), 1, arrival, HOLD, holders))
          .extracting(SlotSemaphore.Acquisition::granted)
          .isEqualTo(false);
    }
    var oneCall = Duration.ofMillis(250);
    DESCRIBES.reset(oneCall);

    var started = System.nanoTime();
    reconciler.reconcile(ALGORITHM);
    var pass = Duration.ofNanos(System.nanoTime() - started);

    assertThat(DESCRIBES.calls)
        .as("one describe per holder and waiter")
        .hasValue(holders + waiters);
    assertThat(DESCRIBES.mostInFlight.get())
        .as("describes in flight together, at most algotask.reconciler.describe-concurrency")
        .isBetween(2, 4);
    // 8 holders at 4 at a time, then 4 waiters: three rounds of one call each
    assertThat(pass)
        .isGreaterThanOrEqualTo(oneCall.multipliedBy(3))
        .isLessThan(oneCall.multipliedBy(holders + waiters).dividedBy(2));
    assertThat(holders()).as("every holder runs: all kept").hasSize(holders);
    assertThat(semaphore.waiters(ALGORITHM, 0, 10)).hasSize(waiters);
  }

  private static void awaitTheNextMillisecond() {
    var next = Instant.now().plusMillis(2);
    while (Instant.now().isBefore(next)) {
      Thread.onSpinWait();
    }
  }
}
