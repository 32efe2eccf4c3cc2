package io.algotask.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a retried publish does while the broker is away; a producer that acknowledges only when told
 * stands for the broker. The round trip over the real broker is in KafkaRoundTripIT, and a broker
 * restart mid-run in the demo's StackFaultsIT.
 */
class ResultPublisherTest {
  /** Kept open: the template closes its producer after a failed send, as a factory's would be. */
  private final MockProducer<String, String> producer =
      new MockProducer<>(false, null, new StringSerializer(), new StringSerializer()) {
        @Override
        public void close(Duration timeout) {}
      };

  private final ResultPublisher publisher =
      new ResultPublisher(
          new KafkaTemplate<>(() -> producer),
          JsonMapper.builder().build(),
          new TopicProperties("requests", "results", "dlq", ".+", 1, Duration.ofMillis(50)));

  private static TaskResultMessage result(String eventId) {
    return new TaskResultMessage(
        eventId,
        "doc-1",
        "ocr",
        "acme",
        "SUCCEEDED",
        1,
        null,
        null,
        Instant.parse("2026-11-26T10:00:00Z"),
        null,
        null,
        Map.of());
  }

  @Test
  void aRetryWhileTheFirstSendAwaitsItsAckJoinsItInsteadOfSendingAgain() {
    assertThatThrownBy(() -> publisher.publish("results", result("e-1")))
        .hasMessageContaining("could not publish the result of doc-1");
    assertThatThrownBy(() -> publisher.publish("results", result("e-1")))
        .hasMessageContaining("could not publish the result of doc-1");

    assertThat(producer.history()).as("records sent").hasSize(1);
  }

  @Test
  void aRetryAfterTheFirstSendWasAcknowledgedSendsNothing() {
    assertThatThrownBy(() -> publisher.publish("results", result("e-1")))
        .hasMessageContaining("could not publish");
    producer.completeNext(); // the broker is back: the first send is delivered

    publisher.publish("results", result("e-1"));

    assertThat(producer.history()).as("records sent").hasSize(1);
  }

  @Test
  void aSendThatFailedForGoodIsMadeAgain() {
    assertThatThrownBy(() -> publisher.publish("results", result("e-1")))
        .hasMessageContaining("could not publish");
    producer.errorNext(new RuntimeException("delivery timed out"));

    assertThatThrownBy(() -> publisher.publish("results", result("e-1")))
        .hasMessageContaining("could not publish");

    assertThat(producer.history()).as("records sent").hasSize(2);
  }

  @Test
  void aSendAcknowledgedAtOnceLeavesNothingInFlight() {
    var atOnce =
        new MockProducer<>(true, null, new StringSerializer(), new StringSerializer()) {
          @Override
          public void close(Duration timeout) {}
        };
    var immediate =
        new ResultPublisher(
            new KafkaTemplate<>(() -> atOnce),
            JsonMapper.builder().build(),
            new TopicProperties("requests", "results", "dlq", ".+", 1, Duration.ofMillis(50)));

    immediate.publish("results", result("e-1"));
    immediate.publish("results", result("e-2"));

    assertThat(atOnce.history()).hasSize(2);
    assertThat(immediate.sendsInFlight()).as("sends left in flight").isZero();
  }

  @Test
  void aSendThatFailedAtOnceIsMadeAgainOnTheRetry() {
    var failNext = new java.util.concurrent.atomic.AtomicBoolean(true);
    var template =
        new KafkaTemplate<String, String>(() -> producer) {
          @Override
          public java.util.concurrent.CompletableFuture<
                  org.springframework.kafka.support.SendResult<String, String>>
              send(org.apache.kafka.clients.producer.ProducerRecord<String, String> record) {
            if (failNext.getAndSet(false)) {
              return java.util.concurrent.CompletableFuture.failedFuture(
                  new RuntimeException("failed before the send was watched"));
            }
            var sending = super.send(record);
            producer.completeNext();
            return sending;
          }
        };
    var publisher =
        new ResultPublisher(
            template,
            JsonMapper.builder().build(),
            new TopicProperties("requests", "results", "dlq", ".+", 1, Duration.ofMillis(50)));

    assertThatThrownBy(() -> publisher.publish("results", result("e-1")))
        .hasMessageContaining("could not publish");
    publisher.publish("results", result("e-1"));

    assertThat(producer.history()).as("the retry sent the record").hasSize(1);
    assertThat(publisher.sendsInFlight()).isZero();
  }

  @Test
  void anotherEventIsSentOfItsOwn() {
    assertThatThrownBy(() -> publisher.publish("results", result("e-1")))
        .hasMessageContaining("could not publish");
    assertThatThrownBy(() -> publisher.publish("results", result("e-2")))
        .hasMessageContaining("could not publish");

    assertThat(producer.history()).hasSize(2);
    assertThat(producer.history().get(1).headers().lastHeader(ResultPublisher.EVENT_ID_HEADER))
        .isNotNull();
  }
}
