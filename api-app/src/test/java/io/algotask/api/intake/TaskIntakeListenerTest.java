package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.algotask.adapters.kafka.TopicProperties;
import io.algotask.workflows.model.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * How the listener tells a failure no retry mends (answered at once) from one of a stack that is
 * away (retried). The real store's answers to bad text are in PoisonedRecordsIT.
 */
class TaskIntakeListenerTest {
  private final TaskRequestParser parser =
      TestParsers.parser(
          new TopicProperties("requests", "results", "dlq", ".+", 3, Duration.ofSeconds(10)), "");
  private final TaskIntake intake = mock(TaskIntake.class);
  private final DeadLetters deadLetters = mock(DeadLetters.class);
  private final TaskIntakeListener listener = new TaskIntakeListener(parser, intake, deadLetters);

  private static ConsumerRecord<String, byte[]> record(String json) {
    return new ConsumerRecord<>("requests", 0, 7L, "t", json.getBytes(StandardCharsets.UTF_8));
  }

  private static final String VALID =
      "{\"taskId\":\"t\",\"algorithm\":\"ocr\",\"params\":{\"p\":1},\"metadata\":{\"k\":\"v\"}}";

  private static RuntimeException dataException() {
    return new DataIntegrityViolationException(
        "insert", new PSQLException("value too long", PSQLState.STRING_DATA_RIGHT_TRUNCATION));
  }

  @Test
  void aRecordTheStoreCanNeverHoldIsRejectedAtOnceWithWhatEveryRejectionCanCarry()
      throws Exception {
    when(intake.submit(any())).thenThrow(dataException());

    listener.onRequest(record(VALID));

    var rejected = ArgumentCaptor.forClass(ParsedRequest.Invalid.class);
    verify(intake).reject(rejected.capture());
    assertThat(rejected.getValue().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(rejected.getValue().rule()).startsWith("request:").contains("22001");
    assertThat(rejected.getValue().request().taskId()).isEqualTo("t");
    assertThat(rejected.getValue().request().params()).isNull();
    assertThat(rejected.getValue().request().metadata()).isNull();
    verify(deadLetters, never()).send(any(), anyString());
  }

  @Test
  void whenNotEvenItsRejectionCanBeStoredItGoesToTheDeadLetterTopic() throws Exception {
    when(intake.submit(any())).thenThrow(dataException());
    when(intake.reject(any())).thenThrow(dataException());

    var record = record(VALID);
    listener.onRequest(record);

    verify(deadLetters).send(eq(record), anyString());
  }

  @Test
  void aDeadLetterKafkaRefusesForGoodHoldsUpNothing() throws Exception {
    var record = record("not json");
    doThrow(new ExecutionException(new RecordTooLargeException("too large")))
        .when(deadLetters)
        .send(any(), anyString());

    listener.onRequest(record);

    verify(deadLetters).send(eq(record), anyString());
  }

  @Test
  void aStackThatIsAwayIsRetried() throws Exception {
    when(intake.submit(any()))
        .thenThrow(
            new CannotGetJdbcConnectionException(
                "no connection",
                new PSQLException("refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT)));
    assertThatThrownBy(() -> listener.onRequest(record(VALID)))
        .isInstanceOf(CannotGetJdbcConnectionException.class);

    var record = record("not json");
    doThrow(new ExecutionException(new TimeoutException("broker away")))
        .when(deadLetters)
        .send(any(), anyString());
    assertThatThrownBy(() -> listener.onRequest(record)).isInstanceOf(ExecutionException.class);
    verify(intake, never()).reject(any());
  }
}
