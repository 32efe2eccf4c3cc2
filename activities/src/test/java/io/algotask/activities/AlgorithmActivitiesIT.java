package io.algotask.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.algotask.activities.AlgorithmService.Answer;
import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskExecutionRecords;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.registry.AlgorithmChange;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.slots.SlotLimit;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.task.AlgorithmActivities;
import io.algotask.workflows.task.AlgorithmActivities.Invocation;
import io.algotask.workflows.task.AlgorithmActivities.InvocationResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends of an attempt to a real algorithm service over loopback, each activity run on its own as a
 * worker runs it, over the real records, slots and storage: how each answer maps to a result or a
 * failure (contract section 3), and what is never sent.
 */
@SpringBootTest
@ActiveProfiles("it")
class AlgorithmActivitiesIT {
  private static final Duration EXECUTION_TIMEOUT = Duration.ofSeconds(60);

  @Autowired AlgorithmActivitiesImpl implementation;
  @Autowired TestTasks tasks;
  @Autowired TaskTransitions transitions;
  @Autowired TaskRecords records;
  @Autowired TaskExecutionRecords executions;
  @Autowired JsonMapper json;
  @Autowired AlgorithmRegistry registry;
  @Autowired SlotSemaphore semaphore;
  @Autowired RedisConnection redis;

  private TestActivityEnvironment env;
  private AlgorithmActivities activities;
  private AlgorithmService service;
  private String algorithm;

  @BeforeEach
  void setUp() throws Exception {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(implementation);
    activities = env.newActivityStub(AlgorithmActivities.class);
    service = AlgorithmService.start();
    algorithm = tasks.algorithm(service.endpoint(), null, 1);
  }

  @AfterEach
  void tearDown() {
    env.close();
    service.close();
    tasks.forget();
  }

  /**
   * The task's first attempt. It holds no slot: a send goes on without one, as after a slot lost
   * (logged as such); the slots have tests of their own.
   */
  private Invocation firstSend(String taskId, Duration executionTimeout) {
    return new Invocation(
        taskId,
        1,
        algorithm,
        Instant.now().plus(executionTimeout),
        "no-slot-" + taskId,
        executionTimeout);
  }

  private Invocation firstSend(String taskId) {
    return firstSend(taskId, EXECUTION_TIMEOUT);
  }

  /** The failure the activity ended with, as its caller sees it. */
  private static ApplicationFailure failureOf(Runnable activity) {
    var failed = catchThrowableOfType(ActivityFailure.class, activity::run);
    assertThat(failed).as("the activity failed").isNotNull();
    assertThat(failed.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) failed.getCause();
  }

  @Test
  void anAcceptedSendReturnsTheRecordedDeadlineAndMarksTheAttemptRunning() {
    var taskId = tasks.task(algorithm);
    var before = Instant.now();

    var result = activities.invoke(firstSend(taskId));

    var execution = executions.findAttempt(taskId, 1).orElseThrow();
    assertThat(result).isEqualTo(new InvocationResult(true, 202, null, execution.deadline()));
    assertThat(execution.deadline())
        .as("fixed by the first send")
        .isBetween(
            before.plus(EXECUTION_TIMEOUT).minusMillis(1), Instant.now().plus(EXECUTION_TIMEOUT));
    assertThat(execution.status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(execution.acceptedAt()).isNotNull();
    assertThat(records.findById(taskId).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(service.invocations).hasSize(1);
  }

  @Test
  void aRefusalReturnsItsStatusAndAnExcerptOfItsBody() {
    var taskId = tasks.task(algorithm);
    service.answer(new Answer(422, null, "{\"error\": \"unsupported language: en\"}"));

    var result = activities.invoke(firstSend(taskId));

    assertThat(result.accepted()).isFalse();
    assertThat(result.httpStatus()).isEqualTo(422);
    assertThat(result.message()).contains("unsupported language: en");
    assertThat(result.deadline())
        .isEqualTo(executions.findAttempt(taskId, 1).orElseThrow().deadline());
    assertThat(executions.findAttempt(taskId, 1).orElseThrow().status())
        .as("left for the workflow to close")
        .isEqualTo(ExecutionStatus.INVOKING);
  }

  @Test
  void aBusyAnswerCutsAnAdaptiveLimit() {
    var adaptive = tasks.algorithm(service.endpoint(), null, 10);
    registry.register(
        adaptive, new AlgorithmChange(null, null, null, null, null, null, true, 1, 60, null));
    var taskId = tasks.task(adaptive);
    service.answer(Answer.busy(503, 1));

    var busy =
        failureOf(
            () ->
                activities.invoke(
                    new Invocation(
                        taskId,
                        1,
                        adaptive,
                        Instant.now().plus(EXECUTION_TIMEOUT),
                        "no-slot-" + taskId,
                        EXECUTION_TIMEOUT)));

    assertThat(busy.getType()).isEqualTo("AlgorithmBusy");
    assertThat(semaphore.limit(adaptive)).as("cut by a tenth").hasValue(9);
  }

  @Test
  void aRefusedHolderCountsAsRefusedUntilAResendIsTaken() {
    var adaptive = tasks.algorithm(service.endpoint(), null, 10);
    registry.register(
        adaptive, new AlgorithmChange(null, null, null, null, null, null, true, 1, 60, null));
    var taskId = tasks.task(adaptive);
    var limit = SlotLimit.of(registry.require(adaptive), 0.9);
    var slot =
        semaphore.acquire(
            new SlotTask(adaptive, taskId),
            SlotSemaphore.NO_TENANT,
            1,
            Instant.now(),
            EXECUTION_TIMEOUT,
            limit,
            Map.of());
    var refused = semaphore.keys(adaptive).refused();
    service.answer(Answer.busy(429, 1), Answer.busy(429, 1), Answer.of(202));
    var invocation =
        new Invocation(
            taskId,
            1,
            adaptive,
            Instant.now().plus(EXECUTION_TIMEOUT),
            slot.token(),
            EXECUTION_TIMEOUT);
    try {
      assertThat(failureOf(() -> activities.invoke(invocation)).getType())
          .isEqualTo("AlgorithmBusy");
      assertThat(redis.sync().hexists(refused, taskId)).isTrue();
      assertThat(semaphore.limit(adaptive))
          .as("refused with nothing else in flight: down to the minimum")
          .hasValue(1);

      assertThat(activities.resend(invocation).accepted()).isTrue();
      assertThat(service.invocations).hasSize(3);
      assertThat(redis.sync().hexists(refused, taskId))
          .as("taken on the resend: no longer counted as refused")
          .isFalse();
    } finally {
      redis.sync().del(semaphore.keys(adaptive).all());
    }
  }

  @Test
  void aBusyAnswerFailsForARetryAfterItsRetryAfterOrASecond() {
    var taskId = tasks.task(algorithm);
    service.answer(Answer.busy(429, 7), Answer.busy(503, 2), Answer.of(429));

    for (var expectedDelay : new int[] {7, 2, 1}) {
      var busy = failureOf(() -> activities.invoke(firstSend(taskId)));

      assertThat(busy.getType()).isEqualTo("AlgorithmBusy");
      assertThat(busy.isNonRetryable()).isFalse();
      assertThat(busy.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(expectedDelay));
    }
    assertThat(service.invocations).hasSize(3);
    assertThat(executions.findAttempt(taskId, 1).orElseThrow().status())
        .isEqualTo(ExecutionStatus.INVOKING);
  }

  @Test
  void aServerErrorFailsForARetryAsUnavailable() {
    var taskId = tasks.task(algorithm);
    service.answer(new Answer(500, null, "out of memory"));

    var failure = failureOf(() -> activities.invoke(firstSend(taskId)));

    assertThat(failure.getType()).isEqualTo("AlgorithmUnavailable");
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getNextRetryDelay()).as("backoff of the retry policy").isNull();
    assertThat(failure.getOriginalMessage()).contains("HTTP 500").contains("out of memory");
  }

  @Test
  void noAnswerFailsForARetryAsUnavailable() throws Exception {
    var dropped = tasks.task(algorithm);
    service.answer(Answer.NONE);

    var noAnswer = failureOf(() -> activities.invoke(firstSend(dropped)));

    assertThat(noAnswer.getType()).isEqualTo("AlgorithmUnavailable");
    assertThat(noAnswer.isNonRetryable()).isFalse();
    assertThat(service.invocations).hasSize(1);

    URI closedPort;
    try (var gone = AlgorithmService.start()) {
      closedPort = gone.endpoint();
    }
    algorithm = tasks.algorithm(closedPort, null, 1);
    var refused = tasks.task(algorithm);

    var unreachable = failureOf(() -> activities.invoke(firstSend(refused)));

    assertThat(unreachable.getType()).isEqualTo("AlgorithmUnavailable");
    assertThat(unreachable.isNonRetryable()).isFalse();
    assertThat(unreachable.getOriginalMessage()).contains(closedPort.toString());
  }

  @Test
  void anAttemptClosedOrATaskEndedIsNotSent() {
    var closed = tasks.task(algorithm);
    transitions.startAttempt(closed, 1, "no-slot", Instant.now().plus(EXECUTION_TIMEOUT));
    transitions.closeAttempt(closed, 1, ExecutionStatus.CANCELLED); // as a cancel does

    var closedFailure = failureOf(() -> activities.invoke(firstSend(closed)));

    var ended = tasks.task(algorithm);
    transitions.recordEnd(
        ended, TaskStatus.CANCELLED, 0, ErrorCode.CANCELLED, "cancelled", null, ended);

    var endedFailure = failureOf(() -> activities.invoke(firstSend(ended)));

    for (var failure : new ApplicationFailure[] {closedFailure, endedFailure}) {
      assertThat(failure.getType()).isEqualTo("AttemptClosed");
      assertThat(failure.isNonRetryable()).isTrue();
    }
    assertThat(closedFailure.getOriginalMessage()).contains("it is CANCELLED");
    assertThat(endedFailure.getOriginalMessage()).contains("its task is CANCELLED");
    assertThat(executions.findAttempt(ended, 1)).as("no attempt of an ended task").isEmpty();
    assertThat(service.invocations).isEmpty();
  }

  @Test
  void aTaskNotRecordedFailsWithoutRetryAndIsNotSent() {
    var missing = "it-missing-" + UUID.randomUUID();

    var failure = failureOf(() -> activities.invoke(firstSend(missing)));

    assertThat(failure.getType()).isEqualTo("TaskNotRecorded");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(executions.findAttempt(missing, 1)).isEmpty();
    assertThat(service.invocations).isEmpty();
  }

  @Test
  void anAttemptPastItsDeadlineIsNotSent() {
    var taskId = tasks.task(algorithm);
    // scheduled before sends fixed the deadline: the workflow's estimate counts, and it has passed
    var late = new Invocation(taskId, 1, algorithm, Instant.now().minusSeconds(1), "no-slot", null);

    var failure = failureOf(() -> activities.invoke(late));

    assertThat(failure.getType()).isEqualTo("AttemptDeadlinePassed");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(service.invocations).isEmpty();
  }

  @Test
  void everySendOfAnAttemptCarriesTheSameBody() {
    var taskId = tasks.task(algorithm);
    service.answer(Answer.busy(429, 1), Answer.of(202));

    failureOf(() -> activities.invoke(firstSend(taskId)));
    // the retry comes later, with a deadline estimated later: the first send's one holds
    var result = activities.invoke(firstSend(taskId));

    assertThat(result.accepted()).isTrue();
    assertThat(service.invocations).hasSize(2);
    assertThat(service.invocations.get(1)).isEqualTo(service.invocations.get(0));
    var body = json.readTree(service.invocations.get(0));
    assertThat(body.path("taskId").asString()).isEqualTo(taskId);
    assertThat(body.path("callback").path("token").asString()).isNotBlank();
    assertThat(body.path("input").path("url").asString()).contains("X-Amz-Signature");
    assertThat(body.path("output").path("uploadUrl").asString()).contains("X-Amz-Signature");
    assertThat(Instant.parse(body.path("deadline").asString())).isEqualTo(result.deadline());
  }

  @Test
  void aResendHeartbeatsWhileItWaitsAndSendsTheSameBodyAgain() {
    var taskId = tasks.task(algorithm);
    service.answer(Answer.busy(429, 1), Answer.of(202));
    var heartbeats = new AtomicInteger();
    env.setActivityHeartbeatListener(Object.class, details -> heartbeats.incrementAndGet());

    var result = activities.resend(firstSend(taskId));

    assertThat(result.accepted()).isTrue();
    assertThat(heartbeats).as("heartbeats while it waited a second").hasPositiveValue();
    assertThat(service.invocations).hasSize(2);
    assertThat(service.invocations.get(1)).isEqualTo(service.invocations.get(0));
    assertThat(executions.findAttempt(taskId, 1).orElseThrow().status())
        .isEqualTo(ExecutionStatus.RUNNING);
  }

  @Test
  void aResendEndsWithoutRetryWhenItsNextWaitWouldPassTheDeadline() {
    var busy = tasks.task(algorithm);
    service.answer(Answer.busy(503, 30));

    var failure = failureOf(() -> activities.resend(firstSend(busy, Duration.ofSeconds(20))));

    assertThat(failure.getType()).isEqualTo("AttemptNotAccepted");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("busy").contains("503");
    assertThat(service.invocations).as("the Retry-After reaches past the deadline").hasSize(1);

    // with no Retry-After it waits 1 s, then 2 s: the second wait passes a deadline 3 s away
    var broken = tasks.task(algorithm);
    service.invocations.clear();
    service.answer(Answer.of(500));

    var brokenFailure =
        failureOf(() -> activities.resend(firstSend(broken, Duration.ofSeconds(3))));

    assertThat(brokenFailure.getType()).isEqualTo("AttemptNotAccepted");
    assertThat(brokenFailure.isNonRetryable()).isTrue();
    assertThat(brokenFailure.getOriginalMessage()).contains("HTTP 500");
    assertThat(service.invocations).hasSize(2);
  }

  @Test
  void aCancelStopsAWaitingResendAtOnce() {
    var taskId = tasks.task(algorithm);
    service.answer(Answer.busy(429, 30));
    var heartbeats = new AtomicInteger();
    env.setActivityHeartbeatListener(Object.class, details -> heartbeats.incrementAndGet());

    var resend = CompletableFuture.supplyAsync(() -> activities.resend(firstSend(taskId)));
    await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats.get() > 0);
    env.requestCancelActivity();

    await()
        .atMost(Duration.ofSeconds(5))
        .alias("well before the 30 s it was asked to wait")
        .until(resend::isDone);
    var ended = catchThrowableOfType(CompletionException.class, resend::join);
    assertThat(ended.getCause()).isInstanceOf(CanceledFailure.class);
    assertThat(service.invocations).hasSize(1);
  }
}
