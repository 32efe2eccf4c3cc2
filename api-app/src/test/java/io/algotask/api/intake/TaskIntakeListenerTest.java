package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.algotask.adapters.kafka.TopicProperties;
import io.algotask.adapters.tracing.TaskSpans;
import io.algotask.workflows.model.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * How the listener tells a failure no retry mends (answered at once) from one of a stack that is
 * away (retried), and where in a batch a retry starts. The real store's answers to bad text are in
 * PoisonedRecordsIT, a real batch in TaskIntakeBatchIT.
 */
class TaskIntakeListenerTest {
  private final TaskRequestParser parser =
      TestParsers.parser(
          new TopicProperties("requests", "results", "dlq", ".+", 3, Duration.ofSeconds(10)), "");
  private final TaskIntake intake = mock(TaskIntake.class);
  private final DeadLetters deadLetters = mock(DeadLetters.class);
  private final TaskIntakeListener listener =
      new TaskIntakeListener(
          parser, intake, deadLetters, new TaskIntakeListener.Settings(100, 4), TaskSpans.NONE);

  @AfterEach
  void stopTheStarts() {
    listener.destroy();
  }

  private static ConsumerRecord<String, byte[]> record(String json) {
    return record(7, json);
  }

  private static ConsumerRecord<String, byte[]> record(long offset, String json) {
    return new ConsumerRecord<>("requests", 0, offset, "t", json.getBytes(StandardCharsets.UTF_8));
  }

  private static final String VALID =
      "{\"taskId\":\"t\",\"algorithm\":\"ocr\",\"params\":{\"p\":1},\"metadata\":{\"k\":\"v\"}}";

  private static String valid(String taskId) {
    return "{\"taskId\":\"" + taskId + "\",\"algorithm\":\"ocr\"}";
  }

  private static String invalid(String taskId) {
    return "{\"taskId\":\"" + taskId + "\",\"algorithm\":\"nope\"}";
  }

  private static RuntimeException dataException() {
    return new DataIntegrityViolationException(
        "insert", new PSQLException("value too long", PSQLState.STRING_DATA_RIGHT_TRUNCATION));
  }

  private static RuntimeException databaseAway() {
    return new CannotGetJdbcConnectionException(
        "no connection", new PSQLException("refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT));
  }

  private static TaskIntake.Admission recorded(ParsedRequest.Valid valid) {
    return new TaskIntake.Admission(valid.request(), Instant.now());
  }

  /** Every valid task of a batch is recorded now, in the batch's order. */
  private void recordEveryTask() {
    when(intake.recordAll(any()))
        .thenAnswer(
            call ->
                call.<List<ParsedRequest.Valid>>getArgument(0).stream()
                    .map(TaskIntakeListenerTest::recorded)
                    .toList());
  }

  private void assertStarted(String... taskIds) {
    var started = ArgumentCaptor.forClass(TaskIntake.Admission.class);
    verify(intake, times(taskIds.length)).start(started.capture());
    assertThat(started.getAllValues())
        .extracting(admission -> admission.request().taskId())
        .containsExactlyInAnyOrder(taskIds);
  }

  private ParsedRequest.Invalid rejectedOnce() {
    var rejected = ArgumentCaptor.forClass(ParsedRequest.Invalid.class);
    verify(intake).reject(rejected.capture());
    return rejected.getValue();
  }

  @Test
  void aRecordTheStoreCanNeverHoldIsRejectedAtOnceWithWhatEveryRejectionCanCarry()
      throws Exception {
    when(intake.recordAll(any())).thenThrow(dataException());
    when(intake.record(any())).thenThrow(dataException());

    listener.onRequests(List.of(record(VALID)));

    var rejected = rejectedOnce();
    assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(rejected.rule()).startsWith("request:").contains("22001");
    assertThat(rejected.request().taskId()).isEqualTo("t");
    assertThat(rejected.request().params()).isNull();
    assertThat(rejected.request().metadata()).isNull();
    verify(deadLetters, never()).send(any(), anyString());
    verify(intake, never()).start(any());
  }

  @Test
  void whenNotEvenItsRejectionCanBeStoredItGoesToTheDeadLetterTopic() throws Exception {
    when(intake.recordAll(any())).thenThrow(dataException());
    when(intake.record(any())).thenThrow(dataException());
    when(intake.reject(any())).thenThrow(dataException());

    var record = record(VALID);
    listener.onRequests(List.of(record));

    verify(deadLetters).send(eq(record), anyString());
  }

  @Test
  void aDeadLetterKafkaRefusesForGoodHoldsUpNothing() throws Exception {
    var record = record("not json");
    doThrow(new ExecutionException(new RecordTooLargeException("too large")))
        .when(deadLetters)
        .send(any(), anyString());

    listener.onRequests(List.of(record));

    verify(deadLetters).send(eq(record), anyString());
  }

  @Test
  void aStackThatIsAwayIsRetried() throws Exception {
    when(intake.recordAll(any())).thenThrow(databaseAway());
    assertThatThrownBy(() -> listener.onRequests(List.of(record(VALID))))
        .isInstanceOf(BatchListenerFailedException.class)
        .hasCauseInstanceOf(CannotGetJdbcConnectionException.class)
        .extracting(e -> ((BatchListenerFailedException) e).getIndex())
        .isEqualTo(0);

    var record = record("not json");
    doThrow(new ExecutionException(new TimeoutException("broker away")))
        .when(deadLetters)
        .send(any(), anyString());
    assertThatThrownBy(() -> listener.onRequests(List.of(record)))
        .isInstanceOf(BatchListenerFailedException.class)
        .hasCauseInstanceOf(ExecutionException.class);
    verify(intake, never()).reject(any());
  }

  @Test
  void aBatchIsRecordedInOneStatementAndEveryRecordGetsItsOwnAnswer() throws Exception {
    recordEveryTask();
    var notATask = record(0, "not json");

    listener.onRequests(
        List.of(notATask, record(1, valid("a")), record(2, invalid("b")), record(3, valid("c"))));

    var batch = ArgumentCaptor.<List<ParsedRequest.Valid>>captor();
    verify(intake).recordAll(batch.capture());
    assertThat(batch.getValue()).extracting(v -> v.request().taskId()).containsExactly("a", "c");
    assertStarted("a", "c");
    var rejected = rejectedOnce();
    assertThat(rejected.request().taskId()).isEqualTo("b");
    verify(deadLetters).send(eq(notATask), startsWith("not JSON"));
  }

  @Test
  void aRecordThatSpoilsTheBatchsStatementIsAnsweredAtOnceAndTheOthersRecordedAlone()
      throws Exception {
    when(intake.recordAll(any())).thenThrow(dataException());
    when(intake.record(any()))
        .thenAnswer(
            call -> {
              ParsedRequest.Valid valid = call.getArgument(0);
              if (valid.request().taskId().equals("poisoned")) {
                throw dataException();
              }
              return recorded(valid);
            });

    listener.onRequests(
        List.of(record(0, valid("a")), record(1, valid("poisoned")), record(2, valid("c"))));

    assertStarted("a", "c");
    var rejected = rejectedOnce();
    assertThat(rejected.request().taskId()).isEqualTo("poisoned");
    assertThat(rejected.rule()).startsWith("request: cannot be accepted");
  }

  @Test
  void aStartThatFailsForNowRetriesFromItsRecordAndAnswersOnlyTheRecordsBeforeIt()
      throws Exception {
    recordEveryTask();
    when(intake.start(any()))
        .thenAnswer(
            call -> {
              if (call.<TaskIntake.Admission>getArgument(0).request().taskId().equals("b")) {
                throw new IllegalStateException("Temporal away");
              }
              return TaskIntake.Outcome.ACCEPTED;
            });
    var before = record(1, "not json");
    var behind = record(3, "not json either");

    assertThatThrownBy(
            () ->
                listener.onRequests(
                    List.of(
                        record(0, valid("a")),
                        before,
                        record(2, valid("b")),
                        behind,
                        record(4, invalid("d")),
                        record(5, valid("e")))))
        .isInstanceOf(BatchListenerFailedException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .extracting(e -> ((BatchListenerFailedException) e).getIndex())
        .isEqualTo(2);

    verify(intake, times(3)).start(any());
    verify(deadLetters).send(eq(before), anyString());
    verify(deadLetters, never()).send(eq(behind), anyString());
    verify(intake, never()).reject(any());
  }

  @Test
  void aRecordingThatFailsForNowRetriesFromTheFirstTaskAndAnswersTheRecordsBeforeIt()
      throws Exception {
    when(intake.recordAll(any())).thenThrow(databaseAway());
    var before = record(0, "not json");
    var behind = record(2, "not json either");

    assertThatThrownBy(() -> listener.onRequests(List.of(before, record(1, valid("a")), behind)))
        .isInstanceOf(BatchListenerFailedException.class)
        .extracting(e -> ((BatchListenerFailedException) e).getIndex())
        .isEqualTo(1);

    verify(deadLetters).send(eq(before), anyString());
    verify(deadLetters, never()).send(eq(behind), anyString());
    verify(intake, never()).start(any());
  }
}
