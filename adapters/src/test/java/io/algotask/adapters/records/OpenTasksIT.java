package io.algotask.adapters.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.algotask.adapters.records.OpenTasks.OpenTask;
import io.algotask.adapters.records.TaskTransitions.NewTask;
import io.algotask.workflows.model.TaskStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What the records say of an algorithm's slots, to rebuild them after Redis lost its state. */
@SpringBootTest
class OpenTasksIT {
  private static final String CALLBACK = "{\"attempt\":1,\"status\":\"SUCCEEDED\"}";

  @Autowired OpenTasks openTasks;
  @Autowired TaskTransitions transitions;
  @Autowired JdbcClient jdbc;

  private final String algorithm = "open-tasks-it-" + UUID.randomUUID();
  private final List<String> created = new ArrayList<>();

  @AfterEach
  void deleteTheTestsTasks() {
    RecordsForTests.deleteTasks(jdbc, created);
  }

  /**
   * A running attempt holds its slot, a queued task waits; a task whose attempt its callback
   * decided is neither: the callback released its slot, and its workflow ends the task or asks
   * again, so the rebuild must not put it back.
   */
  @Test
  void holdersAreTheOpenAttemptsAndADecidedAttemptHoldsNothing() {
    var running = recorded("running");
    transitions.startAttempt(running, 1, "e1:1", Instant.now().plusSeconds(60));
    var queued = recorded("queued");
    transitions.markQueued(queued);
    var reported = recorded("reported");
    transitions.startAttempt(reported, 1, "e1:2", Instant.now().plusSeconds(60));
    transitions.recordCallback(reported, 1, ExecutionStatus.SUCCEEDED, CALLBACK);
    var retrying = recorded("retrying");
    transitions.startAttempt(retrying, 1, "e1:3", Instant.now().plusSeconds(60));
    transitions.recordCallback(retrying, 1, ExecutionStatus.FAILED, CALLBACK);
    transitions.markQueued(retrying);

    var open = openTasks.of(algorithm);

    assertThat(open)
        .extracting(OpenTask::taskId, OpenTask::holdsSlot, OpenTask::slotToken)
        .containsExactlyInAnyOrder(
            tuple(running, true, "e1:1"), tuple(queued, false, null), tuple(retrying, false, null));
  }

  private String recorded(String what) {
    var taskId = "it-" + what + "-" + UUID.randomUUID();
    created.add(taskId);
    transitions.insertIfAbsent(
        new NewTask(
            taskId,
            algorithm,
            "acme",
            2,
            TaskStatus.ACCEPTED,
            "algotask.task.results",
            "{\"executionTimeoutSeconds\":60}",
            null,
            null,
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            null));
    return taskId;
  }
}
