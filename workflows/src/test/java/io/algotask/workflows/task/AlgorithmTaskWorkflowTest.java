package io.algotask.workflows.task;

import static io.algotask.workflows.task.ScriptedActivities.failed;
import static io.algotask.workflows.task.ScriptedActivities.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.SearchAttributes;
import io.algotask.workflows.model.SlotGrant;
import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.model.TaskOutcome;
import io.algotask.workflows.model.TaskSettings;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.algotask.workflows.task.ScriptedActivities.Accept;
import io.algotask.workflows.task.ScriptedActivities.BusyUntilCancelled;
import io.algotask.workflows.task.ScriptedActivities.FailsOnce;
import io.algotask.workflows.task.ScriptedActivities.Refuse;
import io.algotask.workflows.task.ScriptedActivities.Unreachable;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The task workflow on Temporal's time-skipping test server, with scripted activities. */
class AlgorithmTaskWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(AlgorithmTaskWorkflowImpl.class)
          .registerSearchAttribute("TaskStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          // as worker-app's: a resend hears of a cancel within this
          .setWorkerOptions(
              WorkerOptions.newBuilder()
                  .setMaxHeartbeatThrottleInterval(Duration.ofMillis(500))
                  .build())
          .setDoNotStart(true)
          .build();

  private final ScriptedActivities script = new ScriptedActivities();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private Worker worker;
  private String taskId;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env, WorkflowClient client, Worker worker, TestInfo info) {
    this.env = env;
    this.client = client;
    this.worker = worker;
    this.taskId = "t-" + info.getTestMethod().orElseThrow().getName();
    script.connect(client, env::currentTimeMillis);
    worker.registerActivitiesImplementations(
        script.slots, script.algorithm, script.attempts, script.ending);
    env.start();
  }

  /**
   * With -Dalgotask.record-histories=DIR, keeps each test's history for the replay test. Recorded
   * histories are committed: a workflow change that breaks replay of running tasks fails the build.
   */
  @AfterEach
  void recordHistory(TestInfo info) throws Exception {
    var dir = System.getProperty("algotask.record-histories");
    if (dir == null) {
      return;
    }
    var history = client.fetchHistory(TaskWorkflowIds.forTask(taskId));
    Files.createDirectories(Path.of(dir));
    Files.writeString(
        Path.of(dir, info.getTestMethod().orElseThrow().getName() + ".json"), history.toJson(true));
  }

  private TaskInput input(int maxAttempts) {
    return new TaskInput(
        taskId,
        "ocr",
        "acme",
        3,
        Instant.parse("2026-11-26T10:00:00Z"),
        new TaskSettings(Duration.ofMinutes(30), Duration.ofMinutes(5), maxAttempts));
  }

  private AlgorithmTaskWorkflow newWorkflow() {
    return client.newWorkflowStub(
        AlgorithmTaskWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(worker.getTaskQueue())
            .setWorkflowId(TaskWorkflowIds.forTask(taskId))
            .build());
  }

  private TaskOutcome run(int maxAttempts) {
    return newWorkflow().run(input(maxAttempts));
  }

  private String searchedStatus() {
    var execution = WorkflowStub.fromTyped(existing()).getExecution();
    return client.fetchHistory(execution.getWorkflowId()).getEvents().stream()
        .filter(e -> e.hasUpsertWorkflowSearchAttributesEventAttributes())
        .reduce((first, second) -> second)
        .map(
            e ->
                io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                    e.getUpsertWorkflowSearchAttributesEventAttributes()
                        .getSearchAttributes()
                        .getIndexedFieldsMap()
                        .get(SearchAttributes.TASK_STATUS.getName()),
                    String.class,
                    String.class))
        .orElse(null);
  }

  /** The current details the Web UI shows, read with its query. */
  private String currentDetails() {
    return WorkflowStub.fromTyped(existing())
        .query("__temporal_workflow_metadata", WorkflowMetadata.class)
        .getCurrentDetails();
  }

  /** The summaries of the timers and steps, in the order the Web UI's timeline shows them. */
  private List<String> timeline() {
    return client.fetchHistory(TaskWorkflowIds.forTask(taskId)).getEvents().stream()
        .filter(e -> e.hasUserMetadata() && e.getUserMetadata().hasSummary())
        .map(
            e ->
                DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                    e.getUserMetadata().getSummary(), String.class, String.class))
        .toList();
  }

  private AlgorithmTaskWorkflow existing() {
    return client.newWorkflowStub(AlgorithmTaskWorkflow.class, TaskWorkflowIds.forTask(taskId));
  }

  @Test
  void succeedsOnTheFirstAttempt() {
    script.reactions.add(new Accept(succeeded(1)));

    var outcome = run(3);

    assertThat(outcome.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.outputUri()).isEqualTo("s3://results/t/1");
    assertThat(script.calls).containsExactly("acquire", "invoke 1", "finish SUCCEEDED");
    var completion = script.completions().get(0);
    assertThat(completion.slotToken())
        .as("the slot is released when the task ends")
        .isEqualTo("e1:1");
    assertThat(completion.eventId()).isNotBlank();
    assertThat(searchedStatus()).isEqualTo("SUCCEEDED");
  }

  @Test
  void anExecutionTimeoutIsRetriedAndTheNextAttemptSucceeds() {
    script.reactions.add(new Accept(null)); // never calls back
    script.reactions.add(new Accept(succeeded(2)));

    var outcome = run(3);

    assertThat(outcome.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(script.calls)
        .containsExactly(
            "acquire",
            "invoke 1",
            "close 1 TIMED_OUT",
            "release e1:1",
            "acquire",
            "invoke 2",
            "finish SUCCEEDED");
    assertThat(script.completions().get(0).slotToken()).isEqualTo("e1:2");
  }

  @Test
  void endsTimedOutWhenEveryAttemptTimesOut() {
    script.reactions.add(new Accept(null));
    script.reactions.add(new Accept(null));

    var outcome = run(2);

    assertThat(outcome.status()).isEqualTo(TaskStatus.TIMED_OUT);
    assertThat(outcome.errorCode()).isEqualTo(ErrorCode.EXECUTION_TIMEOUT);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(script.completions()).hasSize(1);
    assertThat(script.calls).filteredOn(c -> c.startsWith("invoke")).hasSize(2);
  }

  @Test
  void aRefusalEndsTheTaskAtOnce() {
    script.reactions.add(new Refuse(422, "unsupported document type"));

    var outcome = run(3);

    assertThat(outcome.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(outcome.errorCode()).isEqualTo(ErrorCode.ALGORITHM_REJECTED);
    assertThat(outcome.errorMessage()).contains("422").contains("unsupported document type");
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(script.calls)
        .containsExactly("acquire", "invoke 1", "close 1 REJECTED", "finish FAILED");
  }

  @Test
  void aReportedFailureUsesUpAnAttemptAndTheLastOneEndsTheTask() {
    script.reactions.add(new Accept(failed(1, true)));
    script.reactions.add(new Accept(failed(2, true)));

    var outcome = run(2);

    assertThat(outcome.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(outcome.errorCode()).isEqualTo(ErrorCode.ALGORITHM_ERROR);
    assertThat(outcome.errorMessage()).contains("OCR_ENGINE");
    assertThat(outcome.attempts()).isEqualTo(2);
  }

  @Test
  void aFailureThatIsNotRetryableEndsTheTaskAtOnce() {
    script.reactions.add(new Accept(failed(1, false)));

    var outcome = run(3);

    assertThat(outcome.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(outcome.errorCode()).isEqualTo(ErrorCode.ALGORITHM_ERROR);
    assertThat(outcome.attempts()).isEqualTo(1);
  }

  @Test
  void aQuickStepThatFailsIsRetriedUntilItSucceeds() {
    script.acquireFailures.set(3);
    script.reactions.add(new Accept(succeeded(1)));

    var outcome = run(3);

    assertThat(outcome.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(script.calls)
        .containsExactly(
            "acquire", "acquire", "acquire", "acquire", "invoke 1", "finish SUCCEEDED");
  }

  @Test
  void aLateFirstSendStillGivesTheAlgorithmItsWholeExecutionTimeout() {
    script.firstSendDelay = Duration.ofMinutes(2); // the deadline is 5 min after the first send
    script.reactions.add(new Accept(null)); // the test calls back itself
    var workflow = newWorkflow();
    WorkflowClient.start(workflow::run, input(3));
    env.sleep(Duration.ofMinutes(6)); // past the estimate, before the deadline

    assertThat(existing().state().status()).isEqualTo(TaskStatus.RUNNING);
    script.signalCallback(taskId, succeeded(1));
    var outcome = WorkflowStub.fromTyped(workflow).getResult(TaskOutcome.class);

    assertThat(outcome.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(script.calls).containsExactly("acquire", "invoke 1", "finish SUCCEEDED");
  }

  @Test
  void aDuplicateCallbackAndAStaleGrantChangeNothing() {
    script.reactions.add(new Accept(null)); // the test calls back itself, twice
    var workflow = newWorkflow();
    WorkflowClient.start(workflow::run, input(3));
    env.sleep(Duration.ofSeconds(5));

    script.signalCallback(taskId, succeeded(1));
    script.signalCallback(taskId, succeeded(1));
    script.signalCallback(taskId, failed(1, false)); // only the first report of an attempt counts
    existing().slotGranted(new SlotGrant("e1:99"));
    var outcome = WorkflowStub.fromTyped(workflow).getResult(TaskOutcome.class);

    assertThat(outcome.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(script.calls).containsExactly("acquire", "invoke 1", "finish SUCCEEDED");
    assertThat(script.completions()).hasSize(1);
    assertThat(script.completions().get(0).slotToken()).isEqualTo("e1:1");
  }

  @Test
  void aQueuedTaskRunsWhenItsGrantArrives() {
    script.acquisitions.add(SlotActivities.SlotAcquisition.queuedAt(4));
    script.reactions.add(new Accept(succeeded(1)));
    var workflow = newWorkflow();
    WorkflowClient.start(workflow::run, input(3));
    env.sleep(Duration.ofMinutes(10));

    var state = existing().state();
    assertThat(state.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(state.queuePosition()).isEqualTo(4L);
    assertThat(state.holdsSlot()).isFalse();

    existing().slotGranted(new SlotGrant("e1:7"));
    var outcome = WorkflowStub.fromTyped(workflow).getResult(TaskOutcome.class);

    assertThat(outcome.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(script.completions().get(0).slotToken()).isEqualTo("e1:7");
  }

  @Test
  void theWebUiShowsWhereATaskStandsAndWhatEachTimerAndStepIsFor() {
    script.acquisitions.add(SlotActivities.SlotAcquisition.queuedAt(4, 6));
    script.reactions.add(new Accept(null)); // no callback: the attempt times out
    script.reactions.add(new Accept(succeeded(2)));
    var workflow = newWorkflow();
    WorkflowClient.start(workflow::run, input(3));
    env.sleep(Duration.ofMinutes(10));

    assertThat(currentDetails())
        .isEqualTo(
            "**QUEUED**: waiting for a slot of ocr, place 4 in its queue on joining (0 = next)"
                + " with 6 slots in force, leaving it after 30m without one; attempts started 0"
                + " of 3");

    existing().slotGranted(new SlotGrant("e1:7"));
    await().until(() -> currentDetails().startsWith("**RUNNING**"));
    assertThat(currentDetails()).startsWith("**RUNNING**: attempt 1 of 3 on ocr, deadline 20");

    WorkflowStub.fromTyped(workflow).getResult(TaskOutcome.class);

    assertThat(currentDetails()).isEqualTo("**SUCCEEDED** after attempts 2 of 3");
    assertThat(timeline())
        .containsExactly(
            "take a slot of ocr",
            "slot of ocr, queue timeout 30m",
            "record attempt 1 start and send it to ocr",
            "attempt 1 deadline",
            "close attempt 1: TIMED_OUT",
            "release the slot of ocr",
            "take a slot of ocr",
            "record attempt 2 start and send it to ocr",
            "attempt 2 deadline",
            "end SUCCEEDED and publish the result");
  }

  @Test
  void theWebUiSaysWhenAFailedSendIsSentAgainAndWhatDecidesAnAttempt() {
    script.reactions.add(new FailsOnce(null));
    script.reactions.add(new Accept(failed(1, true)));

    run(1);

    assertThat(currentDetails())
        .isEqualTo("**FAILED** after attempts 1 of 1\n\nlast error: ALGORITHM_ERROR");
    assertThat(timeline())
        .containsExactly(
            "take a slot of ocr",
            "record attempt 1 start and send it to ocr",
            "attempt 1 resend in 1s",
            "resend attempt 1 to ocr until its deadline",
            "end FAILED and publish the result");
  }

  @Test
  void aTaskThatWaitsLongerThanItsQueueTimeoutLeavesTheQueue() {
    script.acquisitions.add(SlotActivities.SlotAcquisition.queuedAt(0));

    var outcome = run(3);

    assertThat(outcome.status()).isEqualTo(TaskStatus.TIMED_OUT);
    assertThat(outcome.errorCode()).isEqualTo(ErrorCode.QUEUE_TIMEOUT);
    assertThat(outcome.attempts()).isZero();
    assertThat(script.calls).containsExactly("acquire", "leave", "finish TIMED_OUT");
    assertThat(script.completions().get(0).slotToken()).isNull();
  }

  @Test
  void theFirstSendTakesNoActivityTaskAndTheTaskTwoWorkflowTasks() {
    script.reactions.add(new Accept(succeeded(1)));

    assertThat(run(3).status()).isEqualTo(TaskStatus.SUCCEEDED);

    var events = client.fetchHistory(TaskWorkflowIds.forTask(taskId)).getEvents();
    assertThat(events).noneMatch(e -> e.hasActivityTaskScheduledEventAttributes());
    assertThat(events.stream().filter(e -> e.hasWorkflowTaskCompletedEventAttributes()))
        .as("the first with the slot and the send, the second with the callback and the end")
        .hasSize(2);
  }

  @Test
  void aBusyFirstSendIsSentAgainAfterItsRetryAfter() {
    script.reactions.add(new FailsOnce(Duration.ofSeconds(20)));
    script.reactions.add(new Accept(succeeded(1)));

    var outcome = run(3);

    assertThat(outcome.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(outcome.attempts()).as("a busy answer uses no attempt").isEqualTo(1);
    assertThat(script.calls).containsExactly("acquire", "invoke 1", "resend 1", "finish SUCCEEDED");
    assertThat(Duration.between(script.sendTimes.get(0), script.sendTimes.get(1)))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void aFailedFirstSendIsSentAgainWithBackoffByTheActivity() {
    script.reactions.add(new FailsOnce(null));
    script.reactions.add(new Accept(succeeded(1)));

    var outcome = run(3);

    assertThat(outcome.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(script.calls).containsExactly("acquire", "invoke 1", "resend 1", "finish SUCCEEDED");
    assertThat(Duration.between(script.sendTimes.get(0), script.sendTimes.get(1)))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(client.fetchHistory(TaskWorkflowIds.forTask(taskId)).getEvents())
        .anyMatch(e -> e.hasActivityTaskScheduledEventAttributes());
  }

  @Test
  void anAlgorithmThatNeverAcceptsUsesUpTheAttempt() {
    script.reactions.add(new Unreachable());

    var outcome = run(1);

    assertThat(outcome.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(outcome.errorCode()).isEqualTo(ErrorCode.ALGORITHM_ERROR);
    assertThat(outcome.errorMessage()).contains("no invocation was accepted");
    assertThat(script.calls).contains("close 1 NOT_ACCEPTED");
  }

  @Test
  void aCallbackThatWonTheRowAtTheDeadlineIsHonoured() {
    script.reactions.add(new Accept(null));
    script.callbackThatWonTheRow = succeeded(1); // recorded by api-app, its signal not yet here

    var outcome = run(3);

    assertThat(outcome.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(outcome.attempts()).isEqualTo(1);
  }

  @Test
  void aCancelledWaitingTaskLeavesTheQueueAndEndsCancelled() {
    script.acquisitions.add(SlotActivities.SlotAcquisition.queuedAt(2));
    var workflow = newWorkflow();
    WorkflowClient.start(workflow::run, input(3));
    env.sleep(Duration.ofMinutes(1));

    WorkflowStub.fromTyped(existing()).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(TaskOutcome.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(script.calls).containsExactly("acquire", "leave", "finish CANCELLED");
    var completion = script.completions().get(0);
    assertThat(completion.errorCode()).isEqualTo(ErrorCode.CANCELLED);
    assertThat(completion.attempts()).as("the attempt waited for never started").isZero();
    assertThat(completion.slotToken()).isNull();
    assertThat(searchedStatus()).isEqualTo("CANCELLED");
  }

  @Test
  void aCancelledRunningTaskClosesItsAttemptAndHandsOnItsSlot() {
    script.reactions.add(new Accept(null)); // accepted, and no callback before the cancel
    var workflow = newWorkflow();
    WorkflowClient.start(workflow::run, input(3));
    env.sleep(Duration.ofMinutes(1));

    WorkflowStub.fromTyped(existing()).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(TaskOutcome.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(script.calls).containsExactly("acquire", "invoke 1", "cancel 1", "finish CANCELLED");
    var completion = script.completions().get(0);
    assertThat(completion.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(completion.attempts()).isEqualTo(1);
    assertThat(completion.slotToken())
        .as("the slot is released, and handed on, as the task ends")
        .isEqualTo("e1:1");
  }

  @Test
  void aCancelDuringResendsEndsTheSendingBeforeTheAttemptClosesAndTheSlotGoesOn() throws Exception {
    script.reactions.add(new BusyUntilCancelled());
    var workflow = newWorkflow();
    WorkflowClient.start(workflow::run, input(3));
    await("resending")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(script.calls).containsExactly("acquire", "invoke 1", "resend 1"));

    WorkflowStub.fromTyped(existing()).cancel();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(TaskOutcome.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(script.calls)
        .as("the sending ends before the attempt is closed and its slot handed on")
        .containsExactly(
            "acquire",
            "invoke 1",
            "resend 1",
            "resend 1 cancelled",
            "cancel 1",
            "finish CANCELLED");
    assertThat(script.completions().get(0).slotToken()).isEqualTo("e1:1");
  }
}
