package io.algotask.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskExecutionRecords;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.registry.AlgorithmChange;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.task.AttemptActivities;
import io.algotask.workflows.task.AttemptActivities.AttemptCancelling;
import io.algotask.workflows.task.AttemptActivities.AttemptClosing;
import io.algotask.workflows.task.AttemptActivities.AttemptEnd;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workflow's side of the compare-and-set on an attempt's execution row, which the callback
 * endpoint sets too: whoever comes first decides the attempt.
 */
@SpringBootTest
@ActiveProfiles("it")
class AttemptActivitiesIT {
  @Autowired AttemptActivitiesImpl implementation;
  @Autowired TestTasks tasks;
  @Autowired TaskTransitions transitions;
  @Autowired TaskRecords records;
  @Autowired TaskExecutionRecords executions;
  @Autowired JsonMapper json;
  @Autowired AlgorithmRegistry registry;
  @Autowired SlotSemaphore semaphore;

  private TestActivityEnvironment env;
  private AttemptActivities attempts;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(implementation);
    attempts = env.newActivityStub(AttemptActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
    tasks.forget();
  }

  /** A task of the algorithm whose first attempt is being sent. */
  private String running(String algorithm) {
    var taskId = tasks.task(algorithm);
    transitions.startAttempt(taskId, 1, "no-slot", Instant.now().plusSeconds(60));
    return taskId;
  }

  private ExecutionStatus statusOf(String taskId) {
    return executions.findAttempt(taskId, 1).orElseThrow().status();
  }

  @Test
  void anAttemptThatRanOutOfTimeCutsAnAdaptiveLimitAndOneNeverAcceptedDoesNot() {
    var algorithm = tasks.algorithm(10);
    registry.register(
        algorithm, new AlgorithmChange(null, null, null, null, null, null, true, 1, 60, null));
    var neverAccepted = running(algorithm);
    var timedOut = running(algorithm);

    attempts.close(new AttemptClosing(neverAccepted, 1, AttemptEnd.NOT_ACCEPTED));
    assertThat(semaphore.limit(algorithm)).hasValue(10);
    attempts.close(new AttemptClosing(timedOut, 1, AttemptEnd.TIMED_OUT));

    assertThat(semaphore.limit(algorithm)).as("cut by a tenth").hasValue(9);
  }

  @Test
  void theFirstCloseWins() {
    var taskId = running(tasks.algorithm(1));

    var first = attempts.close(new AttemptClosing(taskId, 1, AttemptEnd.NOT_ACCEPTED));
    var second = attempts.close(new AttemptClosing(taskId, 1, AttemptEnd.TIMED_OUT));

    assertThat(first).as("no callback won the row").isNull();
    assertThat(second).as("nor after the first close").isNull();
    assertThat(statusOf(taskId)).isEqualTo(ExecutionStatus.NOT_ACCEPTED);
  }

  @Test
  void aCloseAfterARecordedCallbackReturnsThatCallback() {
    var taskId = running(tasks.algorithm(1));
    var callback =
        new CallbackReport(
            1,
            CallbackReport.Outcome.SUCCEEDED,
            new CallbackReport.Output(
                "s3://algotask-results/acme/out.json", "application/json", 42L),
            null);
    transitions.recordCallback(
        taskId, 1, ExecutionStatus.SUCCEEDED, json.writeValueAsString(callback));

    var won = attempts.close(new AttemptClosing(taskId, 1, AttemptEnd.TIMED_OUT));

    assertThat(won).isEqualTo(callback);
    assertThat(statusOf(taskId)).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void cancelClosesARunningAttemptAndTellsTheAlgorithmOnce() throws Exception {
    try (var service = AlgorithmService.start()) {
      var algorithm = tasks.algorithm(service.endpoint(), service.cancelEndpoint(), 1);
      var taskId = running(algorithm);

      attempts.cancel(new AttemptCancelling(taskId, 1, algorithm));
      attempts.cancel(new AttemptCancelling(taskId, 1, algorithm)); // a retry tells nobody

      assertThat(statusOf(taskId)).isEqualTo(ExecutionStatus.CANCELLED);
      assertThat(service.cancels).hasSize(1);
      assertThat(json.readTree(service.cancels.get(0)).path("taskId").asString()).isEqualTo(taskId);
    }
  }

  @Test
  void cancelOfAnAttemptAlreadyClosedTellsNobody() throws Exception {
    try (var service = AlgorithmService.start()) {
      var algorithm = tasks.algorithm(service.endpoint(), service.cancelEndpoint(), 1);
      var taskId = running(algorithm);
      attempts.close(new AttemptClosing(taskId, 1, AttemptEnd.REJECTED));

      attempts.cancel(new AttemptCancelling(taskId, 1, algorithm));

      assertThat(statusOf(taskId)).isEqualTo(ExecutionStatus.REJECTED);
      assertThat(service.cancels).isEmpty();
    }
  }
}
