package io.algotask.adapters.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.records.TaskTransitions.CallbackVerdict;
import io.algotask.adapters.records.TaskTransitions.NewTask;
import io.algotask.adapters.records.TaskTransitions.ProgressVerdict;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task events the database's triggers write (V2 migration), the snapshots read from them, the
 * progress of the running attempt, and the notice of each event, against the real PostgreSQL.
 */
@SpringBootTest
class TaskEventsIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String OUTPUT = "{\"uri\":\"s3://algotask-results/doc\",\"sizeBytes\":12}";
  private static final String SUCCEEDED_CALLBACK =
      "{\"attempt\":1,\"status\":\"SUCCEEDED\",\"output\":" + OUTPUT + "}";
  private static final String FAILED_CALLBACK =
      "{\"attempt\":1,\"status\":\"FAILED\",\"error\":{\"code\":\"OOM\",\"message\":\"out of"
          + " memory\",\"retryable\":true}}";

  @Autowired TaskSnapshots snapshots;
  @Autowired TaskTransitions transitions;
  @Autowired PostgresNotifications notifications;
  @Autowired JdbcClient jdbc;

  private final List<String> created = new ArrayList<>();
  private final Instant submittedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  @AfterEach
  void deleteTheTestsTasks() {
    RecordsForTests.deleteTasks(jdbc, created);
  }

  private String newTaskId() {
    var taskId = "it-events-" + UUID.randomUUID();
    created.add(taskId);
    return taskId;
  }

  private NewTask accepted(String taskId) {
    var request =
        "{\"taskId\":\""
            + taskId
            + "\",\"algorithm\":\"ocr\",\"priority\":2,"
            + "\"metadata\":{\"customer\":\"c-17\",\"batch\":\"b-2\"}}";
    return new NewTask(
        taskId,
        "ocr",
        "acme",
        2,
        TaskStatus.ACCEPTED,
        "algotask.task.results",
        request,
        null,
        null,
        submittedAt,
        null);
  }

  /** A recorded task with attempt 1 sent. */
  private String runningTask() {
    var taskId = newTaskId();
    assertThat(transitions.insertIfAbsent(accepted(taskId))).isTrue();
    transitions.markQueued(taskId);
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));
    return taskId;
  }

  private List<TaskEvent> events(String taskId) {
    return snapshots.eventsAfter(taskId, 0, 1_000);
  }

  private long eventCount(String taskId) {
    return events(taskId).size();
  }

  private TaskSnapshot snapshot(String taskId) {
    return snapshots.snapshot(taskId).orElseThrow();
  }

  private static List<Long> sequences(List<TaskEvent> events) {
    return events.stream().map(TaskEvent::sequence).toList();
  }

  @Test
  void aTasksLifeIsRecordedAsNumberedEventsWithTheTaskAsItWasAfterEachChange() {
    var taskId = newTaskId();

    assertThat(transitions.insertIfAbsent(accepted(taskId))).isTrue();
    transitions.markQueued(taskId);
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));
    transitions.markAccepted(taskId, 1); // the execution's row only: no event
    assertThat(transitions.recordProgress(taskId, 1, 10, "reading"))
        .isEqualTo(ProgressVerdict.ACCEPTED);
    assertThat(transitions.recordProgress(taskId, 1, 60, "classifying"))
        .isEqualTo(ProgressVerdict.ACCEPTED);
    assertThat(transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK))
        .isEqualTo(CallbackVerdict.ACCEPTED);
    transitions.recordEnd(taskId, TaskStatus.SUCCEEDED, 1, null, null, OUTPUT, "event-" + taskId);

    var events = events(taskId);
    assertThat(sequences(events)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(events)
        .extracting(e -> e.task().status())
        .containsExactly(
            TaskStatus.ACCEPTED,
            TaskStatus.QUEUED,
            TaskStatus.RUNNING,
            TaskStatus.RUNNING,
            TaskStatus.RUNNING,
            TaskStatus.SUCCEEDED);
    assertThat(events)
        .extracting(e -> e.task().eventSequence())
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(events).extracting(e -> e.task().taskId()).containsOnly(taskId);
    assertThat(events)
        .extracting(e -> e.task().metadata())
        .containsOnly(Map.of("customer", "c-17", "batch", "b-2"));
    assertThat(events).extracting(TaskEvent::at).isSorted();
    assertThat(events.get(0).at()).as("the insert's updated_at").isEqualTo(submittedAt);

    var accepted = events.get(0).task();
    assertThat(accepted.algorithm()).isEqualTo("ocr");
    assertThat(accepted.tenant()).isEqualTo("acme");
    assertThat(accepted.priority()).isEqualTo(2);
    assertThat(accepted.attempts()).isZero();
    assertThat(accepted.submittedAt().toInstant()).isEqualTo(submittedAt);
    assertThat(accepted.startedAt()).isNull();
    assertThat(accepted.finishedAt()).isNull();
    assertThat(accepted.outputJson()).isNull();
    assertThat(accepted.errorCode()).isNull();
    assertThat(accepted.progressAttempt()).isNull();
    assertThat(accepted.hasProgress()).isFalse();

    assertThat(events.get(1).task().attempts()).isZero();

    var running = events.get(2).task();
    assertThat(running.attempts()).isEqualTo(1);
    assertThat(running.startedAt()).isNotNull();
    assertThat(running.progressAttempt()).isNull();
    assertThat(running.hasProgress()).isFalse();

    var firstReport = events.get(3).task();
    assertThat(firstReport.progressAttempt()).isEqualTo(1);
    assertThat(firstReport.progressPercent()).isEqualTo(10);
    assertThat(firstReport.progressMessage()).isEqualTo("reading");
    assertThat(firstReport.progressAt()).isNotNull();
    assertThat(firstReport.hasProgress()).isTrue();

    var secondReport = events.get(4).task();
    assertThat(secondReport.progressPercent()).isEqualTo(60);
    assertThat(secondReport.progressMessage()).isEqualTo("classifying");
    assertThat(secondReport.progressAt()).isAfterOrEqualTo(firstReport.progressAt());
    assertThat(secondReport.startedAt()).isEqualTo(running.startedAt());

    var succeeded = events.get(5).task();
    assertThat(succeeded.attempts()).isEqualTo(1);
    assertThat(JSON.readTree(succeeded.outputJson())).isEqualTo(JSON.readTree(OUTPUT));
    assertThat(succeeded.errorCode()).isNull();
    assertThat(succeeded.errorMessage()).isNull();
    assertThat(succeeded.finishedAt()).isNotNull();
    assertThat(succeeded.progressPercent()).as("the last report stays").isEqualTo(60);

    assertThat(snapshots.latestEvent(taskId)).contains(events.get(5));
    assertThat(snapshot(taskId)).isEqualTo(succeeded);
  }

  @Test
  void writesThatChangeNoWatchedColumnAddNoEvent() {
    var taskId = runningTask();
    assertThat(transitions.recordProgress(taskId, 1, 40, "half"))
        .isEqualTo(ProgressVerdict.ACCEPTED);
    var before = snapshots.latestEvent(taskId).orElseThrow();
    assertThat(before.sequence()).isEqualTo(4);

    // the same attempt sent again, the execution accepted, the same report again: nothing watched
    transitions.startAttempt(taskId, 1, "e1:2", Instant.now().plusSeconds(60));
    transitions.markAccepted(taskId, 1);
    assertThat(transitions.recordProgress(taskId, 1, 40, "half"))
        .isEqualTo(ProgressVerdict.ACCEPTED);
    assertThat(transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK))
        .isEqualTo(CallbackVerdict.ACCEPTED);
    transitions.recordEnd(taskId, TaskStatus.SUCCEEDED, 1, null, null, OUTPUT, "event-1");
    assertThat(eventCount(taskId)).isEqualTo(5);
    // a late and a repeated callback count on the task, the result is published, a retried finish
    // changes nothing
    assertThat(transitions.recordCallback(taskId, 1, ExecutionStatus.FAILED, FAILED_CALLBACK))
        .isEqualTo(CallbackVerdict.ATTEMPT_OVER);
    assertThat(transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, SUCCEEDED_CALLBACK))
        .isEqualTo(CallbackVerdict.REPEATED);
    assertThat(transitions.markResultPublished(taskId)).isTrue();
    transitions.recordEnd(
        taskId, TaskStatus.FAILED, 1, ErrorCode.ALGORITHM_ERROR, "no", null, "event-2");

    assertThat(eventCount(taskId)).isEqualTo(5);
    var latest = snapshots.latestEvent(taskId).orElseThrow();
    assertThat(latest.sequence()).isEqualTo(5);
    assertThat(latest.task().status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(latest.task().lateCallbacks()).as("as it was at the event").isZero();
    assertThat(latest.task().repeatedCallbacks()).as("as it was at the event").isZero();
    var now = snapshot(taskId);
    assertThat(now.lateCallbacks()).isEqualTo(1);
    assertThat(now.repeatedCallbacks()).isEqualTo(1);
    assertThat(now.eventSequence()).isEqualTo(5);
    assertThat(now.status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void anEventRecordedBeforeRepeatsWereCountedReadsAsNoneCounted() {
    var taskId = runningTask();
    var recorded = snapshots.latestEvent(taskId).orElseThrow();
    assertThat(
            jdbc.sql(
                    "select (task -> 'repeated_callbacks')::int from task_event"
                        + " where task_id = :taskId and sequence = :sequence")
                .param("taskId", taskId)
                .param("sequence", recorded.sequence())
                .query(Integer.class)
                .single())
        .as("an event of now carries the count")
        .isZero();
    // as the V3 migration found the events of the tasks before it
    jdbc.sql(
            "update task_event set task = task - 'repeated_callbacks'"
                + " where task_id = :taskId and sequence = :sequence")
        .param("taskId", taskId)
        .param("sequence", recorded.sequence())
        .update();

    var older = snapshots.latestEvent(taskId).orElseThrow();

    assertThat(older.task().repeatedCallbacks()).isZero();
    assertThat(older).isEqualTo(recorded);
  }

  @Test
  void theSnapshotIsTheLatestEventsTaskWhileOnlyWatchedColumnsChange() {
    var taskId = runningTask();
    assertThat(snapshot(taskId)).isEqualTo(snapshots.latestEvent(taskId).orElseThrow().task());

    transitions.recordProgress(taskId, 1, 5, null);

    var latest = snapshots.latestEvent(taskId).orElseThrow();
    assertThat(latest.sequence()).isEqualTo(4);
    assertThat(latest.task().progressPercent()).isEqualTo(5);
    assertThat(latest.task().progressMessage()).isNull();
    assertThat(snapshot(taskId)).isEqualTo(latest.task());
  }

  @Test
  void eventsArePagedAfterAGivenSequence() {
    var taskId = runningTask();
    transitions.recordProgress(taskId, 1, 20, "a");
    transitions.recordProgress(taskId, 1, 40, "b");
    transitions.recordEnd(taskId, TaskStatus.SUCCEEDED, 1, null, null, OUTPUT, "event-1");

    assertThat(sequences(snapshots.eventsAfter(taskId, 0, 2))).containsExactly(1L, 2L);
    assertThat(sequences(snapshots.eventsAfter(taskId, 2, 2))).containsExactly(3L, 4L);
    assertThat(sequences(snapshots.eventsAfter(taskId, 4, 2))).containsExactly(5L, 6L);
    assertThat(snapshots.eventsAfter(taskId, 6, 2)).isEmpty();
    assertThat(sequences(snapshots.eventsAfter(taskId, 3, 100))).containsExactly(4L, 5L, 6L);
    assertThat(snapshots.eventsAfter(taskId, 5, 1))
        .singleElement()
        .satisfies(e -> assertThat(e.task().progressMessage()).isEqualTo("b"));
    assertThat(snapshots.latestEvent(taskId).orElseThrow().sequence()).isEqualTo(6);

    var unknown = "it-never-" + UUID.randomUUID();
    assertThat(snapshots.eventsAfter(unknown, 0, 10)).isEmpty();
    assertThat(snapshots.latestEvent(unknown)).isEmpty();
    assertThat(snapshots.snapshot(unknown)).isEmpty();
  }

  @Test
  void eachTaskNumbersItsOwnEventsFromOne() {
    var first = runningTask();
    var second = newTaskId();
    transitions.insertIfAbsent(accepted(second));

    assertThat(sequences(events(first))).containsExactly(1L, 2L, 3L);
    assertThat(sequences(events(second))).containsExactly(1L);
    // a second insert of a known taskId writes nothing, so no event either
    assertThat(transitions.insertIfAbsent(accepted(second))).isFalse();
    assertThat(sequences(events(second))).containsExactly(1L);
  }

  @Test
  void aTaskRejectedAtIntakeHasOneEvent() {
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
    // a stray start changes nothing of a finished task, so it adds no event
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));

    var events = events(taskId);
    assertThat(events).hasSize(1);
    var event = events.get(0);
    assertThat(event.sequence()).isEqualTo(1);
    assertThat(event.task().status()).isEqualTo(TaskStatus.REJECTED);
    assertThat(event.task().errorCode()).isEqualTo("UNKNOWN_ALGORITHM");
    assertThat(event.task().errorMessage()).isEqualTo("no algorithm nope");
    assertThat(event.task().finishedAt().toInstant()).isEqualTo(submittedAt);
    assertThat(event.task().attempts()).isZero();
    assertThat(event.task().metadata()).as("the request has none").isNull();
    assertThat(snapshots.latestEvent(taskId)).contains(event);
    assertThat(snapshot(taskId)).isEqualTo(event.task());
  }

  @Test
  void progressIsAcceptedForTheRunningAttemptOnly() {
    var taskId = runningTask();

    assertThat(transitions.recordProgress(taskId, 1, 30, "pages 3/10"))
        .isEqualTo(ProgressVerdict.ACCEPTED);
    assertThat(transitions.recordProgress(taskId, 2, 50, "from the future"))
        .isEqualTo(ProgressVerdict.NO_SUCH_ATTEMPT);
    assertThat(transitions.recordProgress("it-never-" + UUID.randomUUID(), 1, 50, "who"))
        .isEqualTo(ProgressVerdict.NO_SUCH_ATTEMPT);
    assertThat(transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT)).isEmpty();
    assertThat(transitions.recordProgress(taskId, 1, 90, "too late"))
        .isEqualTo(ProgressVerdict.ATTEMPT_OVER);

    var task = snapshot(taskId);
    assertThat(task.progressAttempt()).isEqualTo(1);
    assertThat(task.progressPercent()).isEqualTo(30);
    assertThat(task.progressMessage()).isEqualTo("pages 3/10");
    assertThat(sequences(events(taskId))).as("refused reports add no event").hasSize(4);
  }

  @Test
  void aNewAttemptStartsWithoutTheProgressOfTheOneBefore() {
    var taskId = runningTask();
    transitions.recordProgress(taskId, 1, 70, "attempt one");
    transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT);
    transitions.markQueued(taskId);

    transitions.startAttempt(taskId, 2, "e1:2", Instant.now().plusSeconds(60));

    var second = snapshots.latestEvent(taskId).orElseThrow().task();
    assertThat(second.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(second.attempts()).isEqualTo(2);
    assertThat(second.progressAttempt()).isNull();
    assertThat(second.progressPercent()).isNull();
    assertThat(second.progressMessage()).isNull();
    assertThat(second.progressAt()).isNull();
    assertThat(second.hasProgress()).isFalse();
    // the first attempt is over; the second one reports
    assertThat(transitions.recordProgress(taskId, 1, 80, "attempt one again"))
        .isEqualTo(ProgressVerdict.ATTEMPT_OVER);
    assertThat(transitions.recordProgress(taskId, 2, 15, "attempt two"))
        .isEqualTo(ProgressVerdict.ACCEPTED);
    var reported = snapshot(taskId);
    assertThat(reported.progressAttempt()).isEqualTo(2);
    assertThat(reported.progressPercent()).isEqualTo(15);
    assertThat(reported.hasProgress()).isTrue();
    var sequence = reported.eventSequence();

    // a retried start of the same attempt keeps its progress, and so does a stale start of the
    // first attempt
    transitions.startAttempt(taskId, 2, "e1:2", Instant.now().plusSeconds(60));
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));

    var after = snapshot(taskId);
    assertThat(after.attempts()).isEqualTo(2);
    assertThat(after.progressAttempt()).isEqualTo(2);
    assertThat(after.progressPercent()).isEqualTo(15);
    assertThat(after.progressMessage()).isEqualTo("attempt two");
    assertThat(after.eventSequence()).as("no event").isEqualTo(sequence);

    transitions.recordEnd(
        taskId, TaskStatus.FAILED, 2, ErrorCode.ALGORITHM_ERROR, "out of memory", null, "ev");
    var failed = snapshots.latestEvent(taskId).orElseThrow().task();
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(2);
    assertThat(failed.errorCode()).isEqualTo("ALGORITHM_ERROR");
    assertThat(failed.errorMessage()).isEqualTo("out of memory");
    assertThat(failed.outputJson()).isNull();
    assertThat(failed.metadata()).containsEntry("customer", "c-17");
  }

  @Test
  void eachEventIsAnnouncedWithItsTaskId() {
    BlockingQueue<String> payloads = new LinkedBlockingQueue<>();
    notifications.listen("algotask_task_events", payloads::add, () -> {});
    awaitListening(payloads);

    var taskId = newTaskId();
    transitions.insertIfAbsent(accepted(taskId));
    transitions.markQueued(taskId);
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(60));
    transitions.markAccepted(taskId, 1); // no event, no notice

    // one notice per event (each write is a transaction of its own, so none are folded together)
    List<String> heard = new ArrayList<>();
    Callable<Integer> noticesOfTheTask =
        () -> {
          payloads.drainTo(heard);
          return Collections.frequency(heard, taskId);
        };
    await("3 notices of task " + taskId)
        .pollInSameThread()
        .atMost(Duration.ofSeconds(5))
        .until(noticesOfTheTask, count -> count >= 3);
    // and nothing more for this task (other tests share the database: their notices may come)
    await("no more notices of task " + taskId)
        .pollInSameThread()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(1))
        .until(noticesOfTheTask, count -> count == 3);
  }

  /**
   * The listening thread subscribes to a new channel on its next round: until a probe sent on the
   * channel comes back, a notice could be missed.
   */
  private void awaitListening(BlockingQueue<String> payloads) {
    var probe = "probe-" + UUID.randomUUID();
    List<String> heard = new ArrayList<>();
    await("listening on algotask_task_events")
        .atMost(Duration.ofSeconds(10))
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              payloads.drainTo(heard);
              if (heard.contains(probe)) {
                return true;
              }
              jdbc.sql("select pg_notify('algotask_task_events', :probe)")
                  .param("probe", probe)
                  .query()
                  .listOfRows();
              return false;
            });
    payloads.clear();
  }
}
