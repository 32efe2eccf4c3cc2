package io.algotask.api.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.RecordRetention;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.api.ApiTestSupport;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Retention against the real database: old events go, the latest of each task and recent ones stay;
 * an old finished task loses its large fields but keeps its row, so its taskId stays used up.
 */
class RecordRetentionIT extends ApiTestSupport {
  private static final String LONG_MESSAGE = "the page could not be read: ".repeat(100);

  @Autowired RecordRetention retention;
  @Autowired JdbcTemplate jdbc;

  /** A task of tenant acme that failed on its one attempt, with its result published. */
  private String failedTask(String what) {
    var taskId = newTaskId(what);
    var request =
        """
        {"taskId": "%s", "algorithm": "%s", "tenant": "acme", "priority": 3,
         "replyTopic": "api-it.results", "params": {"pages": "%s"}, "queueTimeoutSeconds": 600,
         "executionTimeoutSeconds": 60, "maxAttempts": 1, "metadata": {"order": "42"}}
        """
            .formatted(taskId, ALGORITHM, "x".repeat(2000));
    var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    transitions.insertIfAbsent(
        new TaskTransitions.NewTask(
            taskId,
            ALGORITHM,
            "acme",
            3,
            TaskStatus.ACCEPTED,
            "api-it.results",
            request,
            null,
            null,
            now,
            null));
    transitions.startAttempt(taskId, 1, "e1:1", now.plusSeconds(60));
    transitions.recordCallback(
        taskId,
        1,
        ExecutionStatus.FAILED,
        "{\"attempt\":1,\"status\":\"FAILED\",\"error\":{\"message\":\"" + LONG_MESSAGE + "\"}}");
    transitions.recordEnd(
        taskId,
        TaskStatus.FAILED,
        1,
        ErrorCode.ALGORITHM_ERROR,
        LONG_MESSAGE,
        null,
        "event-" + taskId);
    transitions.markResultPublished(taskId);
    return taskId;
  }

  private void age(String taskId, int days) {
    jdbc.update(
        "update task_event set at = at - make_interval(days => ?) where task_id = ?", days, taskId);
    jdbc.update(
        "update task set finished_at = finished_at - make_interval(days => ?) where task_id = ?",
        days,
        taskId);
  }

  private List<Long> eventsOf(String taskId) {
    return jdbc.queryForList(
        "select sequence from task_event where task_id = ? order by sequence", Long.class, taskId);
  }

  @Test
  void oldEventsAreDeletedAllButTheLatestAndRecentOnesKept() {
    var old = failedTask("old-events");
    var recent = failedTask("recent-events");
    assertThat(eventsOf(old)).containsExactly(1L, 2L, 3L);
    age(old, 31);

    retention.sweep();

    assertThat(eventsOf(old)).as("the latest stays: the task's current state").containsExactly(3L);
    assertThat(eventsOf(recent)).containsExactly(1L, 2L, 3L);
    assertThat(snapshots.latestEvent(old).orElseThrow().task().status())
        .isEqualTo(TaskStatus.FAILED);
  }

  @Test
  void anOldFinishedTaskIsCompactedButItsTaskIdStaysUsedUp() throws Exception {
    var old = failedTask("compacted");
    var recent = failedTask("kept-whole");
    age(old, 91);

    retention.sweep();

    var compacted = tasks.findById(old).orElseThrow();
    assertThat(compacted.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(compacted.errorCode()).isEqualTo(ErrorCode.ALGORITHM_ERROR.name());
    assertThat(compacted.errorMessage()).as("a large field, dropped").isNull();
    assertThat(json.readTree(compacted.request()).has("params")).isFalse();
    assertThat(json.readTree(compacted.request()).path("metadata").path("order").asString())
        .isEqualTo("42");
    assertThat(executions.findAttempt(old, 1).orElseThrow().callback()).isNull();
    assertThat(snapshots.latestEvent(old).orElseThrow().task().errorMessage()).isNull();
    assertThat(tasks.findById(recent).orElseThrow().errorMessage()).isEqualTo(LONG_MESSAGE);

    // read back through the API: the task as it ended, without the dropped fields
    var read = call("GET", "/v1/tasks/" + old, ACME_KEY, null);
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    assertThat(body(read).path("status").asString()).isEqualTo("FAILED");
    assertThat(read.body()).doesNotContain("could not be read");

    // its taskId cannot be used again: the same taskId is the existing task, nothing runs
    var again =
        call(
            "POST",
            "/v1/tasks",
            ACME_KEY,
            "{\"taskId\":\"" + old + "\",\"algorithm\":\"" + ALGORITHM + "\",\"tenant\":\"acme\"}");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(body(again).path("status").asString()).isEqualTo("FAILED");
    assertThat(tasks.findById(old).orElseThrow().attempts()).isEqualTo(1);
  }
}
