package io.algotask.adapters.records;

import static io.algotask.adapters.records.AcceptedTask.FIRST;
import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.TaskTransitions.NewTask;
import io.algotask.workflows.model.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.Limit;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The read side: the JPA repositories' own queries against the real PostgreSQL. */
@SpringBootTest
class TaskRecordsIT {
  // long before any other test's tasks, so that only this test's are older than the cutoffs
  private static final Instant LONG_AGO = Instant.parse("1971-01-01T00:00:00Z");

  @Autowired TaskRecords tasks;
  @Autowired TaskExecutionRecords executions;
  @Autowired TaskTransitions transitions;
  @Autowired JdbcClient jdbc;

  private final List<String> created = new ArrayList<>();

  @AfterEach
  void deleteTheTestsTasks() {
    RecordsForTests.deleteTasks(jdbc, created);
  }

  private String recorded(TaskStatus status, Instant submittedAt) {
    var taskId = "it-records-" + UUID.randomUUID();
    created.add(taskId);
    transitions.insertIfAbsent(
        new NewTask(
            taskId,
            "ocr",
            "acme",
            5,
            status,
            "algotask.task.results",
            "{}",
            null,
            null,
            submittedAt,
            null));
    return taskId;
  }

  @Test
  void acceptedTasksBeforeTheCutoffComeOldestFirstUpToTheLimit() {
    var second = recorded(TaskStatus.ACCEPTED, LONG_AGO.plus(Duration.ofMinutes(2)));
    var first = recorded(TaskStatus.ACCEPTED, LONG_AGO.plus(Duration.ofMinutes(1)));
    var third = recorded(TaskStatus.ACCEPTED, LONG_AGO.plus(Duration.ofMinutes(3)));
    var queued = recorded(TaskStatus.ACCEPTED, LONG_AGO);
    transitions.markQueued(queued);
    recorded(TaskStatus.ACCEPTED, LONG_AGO.plus(Duration.ofMinutes(5))); // after the cutoff

    var cutoff = LONG_AGO.plus(Duration.ofMinutes(4));

    assertThat(ids(tasks.acceptedBefore(cutoff, FIRST.submittedAt(), FIRST.taskId(), Limit.of(10))))
        .containsExactly(first, second, third);
    var firstTwo = tasks.acceptedBefore(cutoff, FIRST.submittedAt(), FIRST.taskId(), Limit.of(2));
    assertThat(ids(firstTwo)).containsExactly(first, second);
    assertThat(
            ids(
                tasks.acceptedBefore(
                    cutoff, firstTwo.get(1).submittedAt(), firstTwo.get(1).taskId(), Limit.of(2))))
        .as("going on after the last one seen")
        .containsExactly(third);
  }

  private static List<String> ids(List<AcceptedTask> accepted) {
    return accepted.stream().map(AcceptedTask::taskId).toList();
  }

  @Test
  void aTaskAndItsAttemptsAreFoundByTheirIds() {
    var taskId = recorded(TaskStatus.ACCEPTED, Instant.now());
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));

    assertThat(tasks.existsById(taskId)).isTrue();
    assertThat(tasks.findById(taskId).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(executions.findAttempt(taskId, 1).orElseThrow().slotToken()).isEqualTo("e1:1");
    assertThat(executions.findAttempt(taskId, 2)).isEmpty();
    var unknown = "it-never-" + UUID.randomUUID();
    assertThat(tasks.existsById(unknown)).isFalse();
    assertThat(tasks.findById(unknown)).isEmpty();
  }
}
