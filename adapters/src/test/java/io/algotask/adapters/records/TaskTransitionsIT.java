package io.algotask.adapters.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.TaskTransitions.CallbackVerdict;
import io.algotask.adapters.records.TaskTransitions.NewTask;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The guarded writes of the task records against the real PostgreSQL (database algotask_test). */
@SpringBootTest
class TaskTransitionsIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SUCCEEDED_CALLBACK =
      "{\"attempt\":1,\"status\":\"SUCCEEDED\",\"output\":{\"uri\":\"s3://algotask-results/doc\"}}";
  private static final String FAILED_CALLBACK =
      "{\"attempt\":1,\"status\":\"FAILED\",\"error\":{\"code\":\"OOM\",\"message\":\"out of"
          + " memory\",\"retryable\":true}}";

  @Autowired TaskRecords tasks;
  @Autowired TaskExecutionRecords executions;
  @Autowired TaskTransitions transitions;
  @Autowired JdbcClient jdbc;

  private final List<String> created = new ArrayList<>();
  private final Instant submittedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  @AfterEach
  void deleteTheTestsTasks() {
    RecordsForTests.deleteTasks(jdbc, created);
  }

  private String newTaskId() {
    var taskId = "it-" + UUID.randomUUID();
    created.add(taskId);
    return taskId;
  }

  private NewTask accepted(String taskId, String algorithm) {
    return new NewTask(
        taskId,
        algorithm,
        "acme",
        2,
        TaskStatus.ACCEPTED,
        "algotask.task.results",
        "{\"taskId\":\"" + taskId + "\",\"algorithm\":\"" + algorithm + "\",\"priority\":2}",
        null,
        null,
        submittedAt,
        null);
  }

  /** A recorded task with attempt 1 sent. */
  private String runningTask() {
    var taskId = newTaskId();
    assertThat(transitions.insertIfAbsent(accepted(taskId, "ocr"))).isTrue();
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));
    return taskId;
  }

  private TaskRecord task(String taskId) {
    return tasks.findById(taskId).orElseThrow();
  }

  private TaskExecutionRecord execution(String taskId, int attempt) {
    return executions.findAttempt(taskId, attempt).orElseThrow();
  }

  private int executionRows(String taskId) {
    return jdbc.sql("select count(*) from task_execution where task_id = :taskId")
        .param("taskId", taskId)
        .query(Integer.class)
        .single();
  }

  private static void assertSameJson(String actual, String expected) {
    assertThat(JSON.readTree(actual)).isEqualTo(JSON.readTree(expected));
  }

  @Test
  void aBatchRecordsInOneStatementEveryTaskWhoseIdIsNewAndTheFirstOfAnIdTwiceInIt() {
    var known = newTaskId();
    var fresh = newTaskId();
    var twice = newTaskId();
    assertThat(transitions.insertIfAbsent(accepted(known, "ocr"))).isTrue();

    var recorded =
        transitions.insertIfAbsent(
            List.of(
                accepted(known, "classify"),
                accepted(fresh, "ocr"),
                accepted(twice, "ocr"),
                accepted(twice, "classify")));

    assertThat(recorded).containsExactlyInAnyOrder(fresh, twice);
    assertThat(task(known).algorithm()).as("the known task stands").isEqualTo("ocr");
    assertThat(task(fresh).status()).isEqualTo(TaskStatus.ACCEPTED);
    assertThat(task(fresh).submittedAt()).isEqualTo(submittedAt);
    assertThat(task(twice).algorithm()).as("the first of the batch stands").isEqualTo("ocr");
    assertThat(transitions.insertIfAbsent(List.of())).isEmpty();
  }

  @Test
  void aTaskIsRecordedOnceAndASecondInsertWithItsIdChangesNothing() {
    var taskId = newTaskId();

    assertThat(transitions.insertIfAbsent(accepted(taskId, "ocr"))).isTrue();
    assertThat(transitions.insertIfAbsent(accepted(taskId, "classify"))).isFalse();

    var task = task(taskId);
    assertThat(task.algorithm()).isEqualTo("ocr");
    assertThat(task.tenant()).isEqualTo("acme");
    assertThat(task.priority()).isEqualTo(2);
    assertThat(task.status()).isEqualTo(TaskStatus.ACCEPTED);
    assertThat(task.replyTopic()).isEqualTo("algotask.task.results");
    assertSameJson(
        task.request(), "{\"taskId\":\"" + taskId + "\",\"algorithm\":\"ocr\",\"priority\":2}");
    assertThat(task.attempts()).isZero();
    assertThat(task.submittedAt()).isEqualTo(submittedAt);
    assertThat(task.startedAt()).isNull();
    assertThat(task.finishedAt()).isNull();
    assertThat(task.lateCallbacks()).isZero();
    assertThat(task.repeatedCallbacks()).isZero();
  }

  @Test
  void aTaskRejectedAtIntakeIsRecordedFinishedWithItsError() {
    var taskId = newTaskId();
    var rejected =
        new NewTask(
            taskId,
            "nope",
            "acme",
            3,
            TaskStatus.REJECTED,
            "algotask.task.results",
            "{}",
            ErrorCode.UNKNOWN_ALGORITHM,
            "no algorithm nope",
            submittedAt,
            "event-" + taskId);

    assertThat(transitions.insertIfAbsent(rejected)).isTrue();

    var task = task(taskId);
    assertThat(task.status()).isEqualTo(TaskStatus.REJECTED);
    assertThat(task.errorCode()).isEqualTo("UNKNOWN_ALGORITHM");
    assertThat(task.errorMessage()).isEqualTo("no algorithm nope");
    assertThat(task.finishedAt()).isEqualTo(submittedAt);
    assertThat(task.resultEventId()).isEqualTo("event-" + taskId);
    // a finished task is not started again by a stray attempt
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));
    assertThat(task(taskId).status()).isEqualTo(TaskStatus.REJECTED);
    assertThat(task(taskId).startedAt()).isNull();
  }

  @Test
  void startingAnAttemptTwiceRecordsOneExecutionAndMarksTheTaskRunning() {
    var taskId = newTaskId();
    transitions.insertIfAbsent(accepted(taskId, "ocr"));
    transitions.markQueued(taskId);
    assertThat(task(taskId).status()).isEqualTo(TaskStatus.QUEUED);
    var deadline = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);

    assertThat(transitions.startAttempt(taskId, 1, "e1:7", deadline).orElseThrow())
        .extracting(started -> started.attempt().deadline())
        .isEqualTo(deadline);
    var startedAt = task(taskId).startedAt();
    assertThat(transitions.startAttempt(taskId, 1, "e1:8", deadline.plusSeconds(30)).orElseThrow())
        .extracting(started -> started.attempt().deadline())
        .as("a resend keeps the first send's deadline")
        .isEqualTo(deadline);

    assertThat(executionRows(taskId)).isEqualTo(1);
    var execution = execution(taskId, 1);
    assertThat(execution.status()).isEqualTo(ExecutionStatus.INVOKING);
    assertThat(execution.slotToken()).as("the first send's token stays").isEqualTo("e1:7");
    assertThat(execution.deadline()).isEqualTo(deadline);
    assertThat(execution.invokedAt()).isNotNull();
    assertThat(execution.finishedAt()).isNull();
    var task = task(taskId);
    assertThat(task.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(startedAt).isNotNull();
    assertThat(task.startedAt()).isEqualTo(startedAt);
  }

  @Test
  void startingAnAttemptReturnsWhatItsSendNeedsAndARepeatFindsTheFirstSendsRecord() {
    var taskId = newTaskId();
    transitions.insertIfAbsent(accepted(taskId, "ocr"));
    var deadline = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);

    var first = transitions.startAttempt(taskId, 1, "e1:1", deadline).orElseThrow();

    assertThat(first.taskStarted()).isTrue();
    assertThat(first.taskStatus()).isEqualTo(TaskStatus.RUNNING);
    assertThat(JSON.readTree(first.requestJson()))
        .isEqualTo(JSON.readTree(accepted(taskId, "ocr").requestJson()));
    var recorded = execution(taskId, 1);
    assertThat(first.attempt())
        .isEqualTo(
            new TaskTransitions.AttemptState(
                taskId,
                1,
                ExecutionStatus.INVOKING,
                TaskStatus.RUNNING,
                recorded.invokedAt(),
                deadline));
    assertThat(first.attempt().sendable()).isTrue();
    assertThat(first.submittedAt()).isEqualTo(task(taskId).submittedAt());
    assertThat(first.firstSend()).isTrue();

    var repeated =
        transitions.startAttempt(taskId, 1, "e1:2", deadline.plusSeconds(30)).orElseThrow();

    assertThat(repeated.firstSend()).as("only the call that recorded the attempt").isFalse();
    assertThat(repeated)
        .as("the first send's record, unchanged")
        .usingRecursiveComparison()
        .ignoringFields("firstSend")
        .isEqualTo(first);
    assertThat(executionRows(taskId)).isEqualTo(1);
  }

  @Test
  void startingAnAttemptOfAnEndedTaskRecordsNothingAndAClosedAttemptIsFoundClosed() {
    var ended = newTaskId();
    transitions.insertIfAbsent(accepted(ended, "ocr"));
    transitions.recordEnd(ended, TaskStatus.CANCELLED, 0, ErrorCode.CANCELLED, "c", null, "e-1");

    var notStarted = transitions.startAttempt(ended, 1, "e1:1", Instant.now().plusSeconds(60));

    assertThat(notStarted.orElseThrow().taskStarted()).isFalse();
    assertThat(notStarted.orElseThrow().taskStatus()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(notStarted.orElseThrow().attempt()).isNull();
    assertThat(executionRows(ended)).as("no attempt of an ended task").isZero();
    assertThat(task(ended).status()).isEqualTo(TaskStatus.CANCELLED);

    var closed = runningTask();
    transitions.closeAttempt(closed, 1, ExecutionStatus.CANCELLED);

    var found = transitions.startAttempt(closed, 1, "e1:1", Instant.now().plusSeconds(60));

    assertThat(found.orElseThrow().taskStarted()).isTrue();
    assertThat(found.orElseThrow().attempt().status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(found.orElseThrow().attempt().sendable()).isFalse();
  }

  @Test
  void startingAnAttemptOfNoTaskFindsNothing() {
    var missing = newTaskId();

    assertThat(transitions.startAttempt(missing, 1, "e1:1", Instant.now().plusSeconds(60)))
        .isEmpty();
    assertThat(executionRows(missing)).isZero();
  }

  @Test
  void aLaterAttemptCountsUpButKeepsTheFirstStart() {
    var taskId = runningTask();
    var startedAt = task(taskId).startedAt();
    transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT);
    transitions.markQueued(taskId);

    transitions.startAttempt(taskId, 2, "e1:9", Instant.now().plusSeconds(60));

    var task = task(taskId);
    assertThat(task.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(task.startedAt()).isEqualTo(startedAt);
    assertThat(executionRows(taskId)).isEqualTo(2);
    // a late retry of the first attempt's start does not count attempts down
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));
    assertThat(task(taskId).attempts()).isEqualTo(2);
  }

  @Test
  void anAcceptedInvocationMovesTheExecutionToRunning() {
    var taskId = runningTask();

    transitions.markAccepted(taskId, 1);

    var execution = execution(taskId, 1);
    assertThat(execution.status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(execution.acceptedAt()).isNotNull();
  }

  @Test
  void theFirstCallbackIsAcceptedTheSameAgainIsRepeatedAndAnotherIsLate() {
    var taskId = runningTask();
    transitions.markAccepted(taskId, 1);

    var first =
        transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK);
    var same = transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK);

    assertThat(first).isEqualTo(CallbackVerdict.ACCEPTED);
    assertThat(same).isEqualTo(CallbackVerdict.REPEATED);
    assertThat(task(taskId).lateCallbacks()).as("a repeat is not late").isZero();
    assertThat(task(taskId).repeatedCallbacks()).isEqualTo(1);

    var different = transitions.recordCallback(taskId, 1, ExecutionStatus.FAILED, FAILED_CALLBACK);

    assertThat(different).isEqualTo(CallbackVerdict.ATTEMPT_OVER);
    assertThat(task(taskId).lateCallbacks()).isEqualTo(1);
    assertThat(task(taskId).repeatedCallbacks()).as("another outcome is no repeat").isEqualTo(1);
    var execution = execution(taskId, 1);
    assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertSameJson(execution.callback(), SUCCEEDED_CALLBACK);
    assertThat(execution.finishedAt()).isNotNull();
  }

  /** The callback that decides its attempt learns the slot it held; no other callback does. */
  @Test
  void theDecidingCallbackReturnsItsAttemptsSlotAndNoOtherDoes() {
    var taskId = runningTask();
    transitions.markAccepted(taskId, 1);

    var first =
        transitions.decideCallback(
            taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK, Instant.now());
    var repeat =
        transitions.decideCallback(
            taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK, Instant.now());
    var late =
        transitions.decideCallback(
            taskId, 1, ExecutionStatus.FAILED, FAILED_CALLBACK, Instant.now());
    var unknown =
        transitions.decideCallback(
            taskId, 2, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK, Instant.now());

    assertThat(first)
        .isEqualTo(
            new TaskTransitions.CallbackDecision(
                CallbackVerdict.ACCEPTED, "ocr", "e1:1", execution(taskId, 1).invokedAt(), null));
    assertThat(repeat)
        .isEqualTo(
            new TaskTransitions.CallbackDecision(CallbackVerdict.REPEATED, null, null, null, null));
    assertThat(late)
        .isEqualTo(
            new TaskTransitions.CallbackDecision(
                CallbackVerdict.ATTEMPT_OVER, null, null, null, null));
    assertThat(unknown)
        .isEqualTo(
            new TaskTransitions.CallbackDecision(
                CallbackVerdict.NO_SUCH_ATTEMPT, null, null, null, null));
    assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  /** Before its invocation's acceptance is recorded, a send of the attempt may still go out. */
  @Test
  void aCallbackBeforeTheInvocationWasAcceptedDecidesButHandsNoSlotOn() {
    var taskId = runningTask();

    var decision =
        transitions.decideCallback(
            taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK, Instant.now());

    assertThat(decision)
        .isEqualTo(
            new TaskTransitions.CallbackDecision(
                CallbackVerdict.ACCEPTED, "ocr", null, execution(taskId, 1).invokedAt(), null));
    assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void aTasksTenantIsReadForTheCallback() {
    var taskId = runningTask();

    assertThat(transitions.tenantOf(taskId)).hasValue("acme");
    assertThat(transitions.tenantOf("it-no-such-task-" + UUID.randomUUID())).isEmpty();
  }

  @Test
  void everyRepeatIsCountedWhateverTheOutcomeAndChangesNothingElse() {
    var taskId = runningTask();
    transitions.markAccepted(taskId, 1);
    assertThat(transitions.recordCallback(taskId, 1, ExecutionStatus.FAILED, FAILED_CALLBACK))
        .isEqualTo(CallbackVerdict.ACCEPTED);
    var decided = execution(taskId, 1);
    var before = task(taskId);
    assertThat(before.repeatedCallbacks()).as("the first callback is no repeat").isZero();

    for (int i = 0; i < 3; i++) {
      assertThat(transitions.recordCallback(taskId, 1, ExecutionStatus.FAILED, FAILED_CALLBACK))
          .isEqualTo(CallbackVerdict.REPEATED);
    }

    var after = task(taskId);
    assertThat(after.repeatedCallbacks()).isEqualTo(3);
    assertThat(after.lateCallbacks()).isZero();
    assertThat(after.status()).isEqualTo(before.status());
    assertThat(after.attempts()).isEqualTo(before.attempts());
    var execution = execution(taskId, 1);
    assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
    assertSameJson(execution.callback(), FAILED_CALLBACK);
    assertThat(execution.finishedAt()).isEqualTo(decided.finishedAt());
  }

  @Test
  void aCallbackBeforeTheAcceptanceIsRecordedStill() {
    var taskId = runningTask();

    assertThat(transitions.recordCallback(taskId, 1, ExecutionStatus.FAILED, FAILED_CALLBACK))
        .isEqualTo(CallbackVerdict.ACCEPTED);

    assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.FAILED);
  }

  @Test
  void aCallbackForAnUnknownAttemptOrTaskIsNoSuchAttempt() {
    var taskId = runningTask();

    assertThat(transitions.recordCallback(taskId, 2, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK))
        .isEqualTo(CallbackVerdict.NO_SUCH_ATTEMPT);
    assertThat(
            transitions.recordCallback(
                "it-never-" + UUID.randomUUID(), 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK))
        .isEqualTo(CallbackVerdict.NO_SUCH_ATTEMPT);

    assertThat(task(taskId).lateCallbacks()).isZero();
    assertThat(task(taskId).repeatedCallbacks()).isZero();
    assertThat(executionRows(taskId)).isEqualTo(1);
    assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.INVOKING);
  }

  @Test
  void closingAnOpenAttemptWinsAndALaterCallbackFindsItOver() {
    var taskId = runningTask();
    transitions.markAccepted(taskId, 1);

    var won = transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT);

    assertThat(won).as("no callback decided the attempt").isEmpty();
    var execution = execution(taskId, 1);
    assertThat(execution.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
    assertThat(execution.callback()).isNull();
    assertThat(execution.finishedAt()).isNotNull();

    var late = transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK);

    assertThat(late).isEqualTo(CallbackVerdict.ATTEMPT_OVER);
    assertThat(task(taskId).lateCallbacks()).isEqualTo(1);
    assertThat(task(taskId).repeatedCallbacks()).as("a timed-out attempt has no repeats").isZero();
    assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.TIMED_OUT);
    assertThat(execution(taskId, 1).callback()).isNull();
  }

  @Test
  void aCallbackAfterTheDeadlineIsLateBeforeTheWorkflowClosedTheAttemptToo() {
    var taskId = newTaskId();
    assertThat(transitions.insertIfAbsent(accepted(taskId, "ocr"))).isTrue();
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().minusMillis(500));
    transitions.markAccepted(taskId, 1);

    var late = transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK);

    assertThat(late).isEqualTo(CallbackVerdict.ATTEMPT_OVER);
    assertThat(task(taskId).lateCallbacks()).isEqualTo(1);
    assertThat(execution(taskId, 1).status()).as("still open").isEqualTo(ExecutionStatus.RUNNING);
    assertThat(execution(taskId, 1).callback()).isNull();
    // the workflow's timeout, however late, closes it as timed out
    assertThat(transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT)).isEmpty();
    assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.TIMED_OUT);
  }

  @Test
  void aCallbackThatArrivedByTheDeadlineCountsThoughItIsRecordedAfter() {
    var taskId = newTaskId();
    assertThat(transitions.insertIfAbsent(accepted(taskId, "ocr"))).isTrue();
    var deadline = Instant.now().minusMillis(500);
    transitions.startAttempt(taskId, 1, "e1:1", deadline);
    transitions.markAccepted(taskId, 1);

    var verdict =
        transitions.recordCallback(
            taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK, deadline.minusMillis(300));

    assertThat(verdict).isEqualTo(CallbackVerdict.ACCEPTED);
    assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(task(taskId).lateCallbacks()).isZero();
  }

  @Test
  void closingAnAttemptThatACallbackDecidedReturnsThatCallback() {
    var taskId = runningTask();
    transitions.markAccepted(taskId, 1);
    transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK);

    var won = transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT);

    assertThat(won).isPresent();
    assertSameJson(won.get(), SUCCEEDED_CALLBACK);
    assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(task(taskId).lateCallbacks()).isZero();
    assertThat(task(taskId).repeatedCallbacks()).isZero();
  }

  @Test
  void aRetriedCloseAfterItsOwnWinStillFindsNoCallback() {
    var taskId = runningTask();
    assertThat(transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT)).isEmpty();

    assertThat(transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT)).isEmpty();
    assertThat(transitions.closeAttempt(taskId, 1, ExecutionStatus.NOT_ACCEPTED)).isEmpty();

    assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.TIMED_OUT);
  }

  @Test
  void whenACallbackAndTheTimeoutRaceExactlyOneDecidesTheAttempt() throws Exception {
    var pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        var taskId = runningTask();
        transitions.markAccepted(taskId, 1);
        var start = new CyclicBarrier(2);
        Future<CallbackVerdict> callback =
            pool.submit(
                () -> {
                  start.await(5, TimeUnit.SECONDS);
                  return transitions.recordCallback(
                      taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK);
                });
        Future<Optional<String>> timeout =
            pool.submit(
                () -> {
                  start.await(5, TimeUnit.SECONDS);
                  return transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT);
                });
        var verdict = callback.get(10, TimeUnit.SECONDS);
        var wonBefore = timeout.get(10, TimeUnit.SECONDS);

        var execution = execution(taskId, 1);
        if (verdict == CallbackVerdict.ACCEPTED) {
          assertThat(wonBefore).as("round %d: the timeout sees the callback", round).isPresent();
          assertSameJson(wonBefore.get(), SUCCEEDED_CALLBACK);
          assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
          assertThat(task(taskId).lateCallbacks()).isZero();
        } else {
          assertThat(verdict).as("round %d", round).isEqualTo(CallbackVerdict.ATTEMPT_OVER);
          assertThat(wonBefore).as("round %d: the timeout won", round).isEmpty();
          assertThat(execution.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
          assertThat(task(taskId).lateCallbacks()).isEqualTo(1);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void whenTheSameCallbackArrivesTwiceAtOnceOneIsAcceptedAndTheOtherCountedAsRepeated()
      throws Exception {
    var pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        var taskId = runningTask();
        transitions.markAccepted(taskId, 1);
        var start = new CyclicBarrier(2);
        var callbacks = new ArrayList<Future<CallbackVerdict>>();
        for (int i = 0; i < 2; i++) {
          callbacks.add(
              pool.submit(
                  () -> {
                    start.await(5, TimeUnit.SECONDS);
                    return transitions.recordCallback(
                        taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK);
                  }));
        }
        var verdicts = new ArrayList<CallbackVerdict>();
        for (var callback : callbacks) {
          verdicts.add(callback.get(10, TimeUnit.SECONDS));
        }

        assertThat(verdicts)
            .as("round %d", round)
            .containsExactlyInAnyOrder(CallbackVerdict.ACCEPTED, CallbackVerdict.REPEATED);
        var task = task(taskId);
        assertThat(task.repeatedCallbacks()).as("round %d", round).isEqualTo(1);
        assertThat(task.lateCallbacks()).as("round %d", round).isZero();
        assertThat(execution(taskId, 1).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theResultRecordCarriesTheTimeOfTheCallbackThatDecidedTheTask() {
    var taskId = runningTask();
    transitions.decideCallback(
        taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK, Instant.now());
    var callbackAt = execution(taskId, 1).finishedAt();

    var ended =
        transitions
            .recordEnd(taskId, TaskStatus.SUCCEEDED, 1, null, null, null, "event-1")
            .orElseThrow();

    assertThat(callbackAt).isNotNull();
    assertThat(ended.callbackAt()).isEqualTo(callbackAt);
    assertThat(transitions.resultRecord(taskId).orElseThrow().callbackAt()).isEqualTo(callbackAt);
    var timedOut = runningTask();
    transitions.closeAttempt(timedOut, 1, ExecutionStatus.TIMED_OUT);
    assertThat(
            transitions
                .recordEnd(timedOut, TaskStatus.TIMED_OUT, 1, null, null, null, "event-2")
                .orElseThrow()
                .callbackAt())
        .as("no callback decided it")
        .isNull();
  }

  @Test
  void aTaskFinishesOnceAndASecondFinishChangesNothing() {
    var taskId = runningTask();
    var output = "{\"uri\":\"s3://algotask-results/doc\",\"sizeBytes\":12}";

    var first =
        transitions
            .recordEnd(taskId, TaskStatus.SUCCEEDED, 1, null, null, output, "event-1")
            .orElseThrow();
    var finished = task(taskId);
    var second =
        transitions
            .recordEnd(
                taskId,
                TaskStatus.FAILED,
                3,
                ErrorCode.ALGORITHM_ERROR,
                "should not be recorded",
                null,
                "event-2")
            .orElseThrow();

    assertThat(first.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(first.resultEventId()).isEqualTo("event-1");
    assertSameJson(first.outputJson(), output);
    assertThat(first.finishedAt()).isEqualTo(finished.finishedAt());
    assertThat(second).as("the end as first recorded").isEqualTo(first);
    assertThat(transitions.resultRecord(taskId)).contains(first);
    var task = task(taskId);
    assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(task.attempts()).isEqualTo(1);
    assertThat(task.errorCode()).isNull();
    assertThat(task.errorMessage()).isNull();
    assertSameJson(task.output(), output);
    assertThat(task.resultEventId()).isEqualTo("event-1");
    assertThat(task.finishedAt()).isNotNull().isEqualTo(finished.finishedAt());
    // nor does a stray start or queueing move a finished task back
    transitions.startAttempt(taskId, 2, "e1:2", Instant.now().plusSeconds(60));
    transitions.markQueued(taskId);
    assertThat(task(taskId).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(task(taskId).attempts()).isEqualTo(1);
  }

  @Test
  void theEndReturnsTheTaskAsItsResultReportsIt() {
    var taskId = newTaskId();
    var request = "{\"taskId\":\"" + taskId + "\",\"metadata\":{\"order\":\"42\",\"note\":\"n\"}}";
    var base = accepted(taskId, "ocr");
    transitions.insertIfAbsent(
        new NewTask(
            taskId,
            "ocr",
            "acme",
            2,
            TaskStatus.ACCEPTED,
            "replies",
            request,
            null,
            null,
            base.submittedAt(),
            null));
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));

    var ended =
        transitions
            .recordEnd(
                taskId, TaskStatus.FAILED, 1, ErrorCode.ALGORITHM_ERROR, "broke", null, "ev-1")
            .orElseThrow();

    var task = task(taskId);
    assertThat(ended)
        .isEqualTo(
            new ResultRecord(
                taskId,
                "ocr",
                "acme",
                TaskStatus.FAILED,
                1,
                "replies",
                null,
                "ALGORITHM_ERROR",
                "broke",
                submittedAt,
                task.startedAt(),
                task.finishedAt(),
                "ev-1",
                null,
                ended.metadataJson(),
                null));
    assertSameJson(ended.metadataJson(), "{\"order\":\"42\",\"note\":\"n\"}");
    assertThat(transitions.recordEnd(newTaskId(), TaskStatus.FAILED, 1, null, null, null, "e"))
        .as("no such task")
        .isEmpty();
  }

  @Test
  void aFailedTaskKeepsItsErrorAndNoOutput() {
    var taskId = runningTask();

    transitions.recordEnd(
        taskId, TaskStatus.TIMED_OUT, 1, ErrorCode.EXECUTION_TIMEOUT, "no callback", null, "ev");

    var task = task(taskId);
    assertThat(task.status()).isEqualTo(TaskStatus.TIMED_OUT);
    assertThat(task.errorCode()).isEqualTo("EXECUTION_TIMEOUT");
    assertThat(task.errorMessage()).isEqualTo("no callback");
    assertThat(task.output()).isNull();
  }

  @Test
  void theResultIsMarkedPublishedOnlyOnce() {
    var taskId = runningTask();
    transitions.recordEnd(taskId, TaskStatus.SUCCEEDED, 1, null, null, "{}", "event-1");

    assertThat(transitions.markResultPublished(taskId)).isTrue();
    var publishedAt = task(taskId).resultPublishedAt();
    assertThat(transitions.markResultPublished(taskId)).isFalse();

    assertThat(publishedAt).isNotNull();
    assertThat(task(taskId).resultPublishedAt()).isEqualTo(publishedAt);
    assertThat(transitions.markResultPublished("it-never-" + UUID.randomUUID())).isFalse();
  }
}
