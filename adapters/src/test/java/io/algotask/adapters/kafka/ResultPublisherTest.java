package io.algotask.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.algotask.adapters.contract.TaskResultMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
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

  private final ResultPublisher publisher = publisher(new KafkaTemplate<>(() -> producer));

  /** What Kafka's admin would say of each topic: usable unless set otherwise. */
  private final Map<String, ReplyTopics.Usability> topicsAsKafkaSeesThem = new HashMap<>();

  private final ReplyTopics replyTopics =
      new ReplyTopics(null, topics()) {
        @Override
        public Optional<Usability> cached(String topic) {
          return Optional.ofNullable(cachedAnswers.get(topic));
        }

        @Override
        public Usability checkNow(String topic, Duration patience) {
          return topicsAsKafkaSeesThem.getOrDefault(topic, Usability.USABLE);
        }
      };

  private final Map<String, ReplyTopics.Usability> cachedAnswers = new HashMap<>();

  private static TopicProperties topics() {
    return new TopicProperties("requests", "results", "dlq", ".+", 1, Duration.ofMillis(50));
  }

  private ResultPublisher publisher(KafkaTemplate<String, String> template) {
    return new ResultPublisher(template, JsonMapper.builder().build(), topics(), replyTopics);
  }

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
    var immediate = publisher(new KafkaTemplate<>(() -> atOnce));

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
    var publisher = publisher(template);

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

  /** A broker that refuses records as told, by topic, and acknowledges the rest at once. */
  private static final class ScriptedBroker extends KafkaTemplate<String, String> {
    final Map<String, RuntimeException> refusals = new HashMap<>();
    final Map<String, RuntimeException> refusedOnce = new HashMap<>();
    final List<ProducerRecord<String, String>> delivered = new ArrayList<>();
    final List<String> tried = new ArrayList<>();

    ScriptedBroker() {
      super(() -> null);
    }

    ScriptedBroker refuse(String topic, RuntimeException failure) {
      refusals.put(topic, failure);
      return this;
    }

    ScriptedBroker refuseOnce(String topic, RuntimeException failure) {
      refusedOnce.put(topic, failure);
      return this;
    }

    @Override
    public CompletableFuture<SendResult<String, String>> send(
        ProducerRecord<String, String> record) {
      tried.add(record.topic());
      var failure = refusedOnce.remove(record.topic());
      if (failure == null) {
        failure = refusals.get(record.topic());
      }
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      delivered.add(record);
      return CompletableFuture.completedFuture(new SendResult<>(record, null));
    }

    String header(int index, String name) {
      var header = delivered.get(index).headers().lastHeader(name);
      return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
  }

  private static TaskResultMessage failed(String eventId, String message) {
    return new TaskResultMessage(
        eventId,
        "doc-2",
        "ocr",
        "acme",
        "FAILED",
        1,
        null,
        new TaskResultMessage.Error("ALGORITHM_ERROR", message),
        Instant.parse("2026-11-26T10:00:00Z"),
        null,
        null,
        Map.of("order", "o-1"));
  }

  @Test
  void aReplyTopicNotOursToWriteSendsTheResultToTheDefaultTopicSayingWhy() {
    var broker =
        new ScriptedBroker().refuse("acme.results", new TopicAuthorizationException("denied"));

    publisher(broker).publish("acme.results", result("e-1"));

    assertThat(broker.delivered)
        .singleElement()
        .satisfies(r -> assertThat(r.topic()).isEqualTo("results"));
    assertThat(broker.header(0, ResultPublisher.REPLY_ERROR_HEADER))
        .contains("acme.results")
        .contains("not authorised");
    assertThat(broker.header(0, ResultPublisher.EVENT_ID_HEADER)).isEqualTo("e-1");
  }

  @Test
  void aReplyTopicDeletedSinceSendsTheResultToTheDefaultTopic() {
    var broker =
        new ScriptedBroker().refuse("acme.results", new UnknownTopicOrPartitionException("gone"));

    publisher(broker).publish("acme.results", result("e-1"));

    assertThat(broker.delivered)
        .singleElement()
        .satisfies(r -> assertThat(r.topic()).isEqualTo("results"));
    assertThat(broker.header(0, ResultPublisher.REPLY_ERROR_HEADER)).contains("does not exist");
  }

  @Test
  void aProducerWaitingInVainForAMissingTopicIsToldFromABrokerThatIsAway() {
    var broker =
        new ScriptedBroker()
            .refuse("acme.results", new TimeoutException("not present in metadata after 3000 ms"));
    topicsAsKafkaSeesThem.put("acme.results", ReplyTopics.Usability.MISSING);

    publisher(broker).publish("acme.results", result("e-1"));

    assertThat(broker.delivered)
        .singleElement()
        .satisfies(r -> assertThat(r.topic()).isEqualTo("results"));
    assertThat(broker.header(0, ResultPublisher.REPLY_ERROR_HEADER)).contains("does not exist");

    var away =
        new ScriptedBroker()
            .refuse("other.results", new TimeoutException("not present in metadata after 3000 ms"));
    assertThatThrownBy(() -> publisher(away).publish("other.results", result("e-2")))
        .as("an existing topic that does not answer: tried again later")
        .hasMessageContaining("could not publish");
    assertThat(away.delivered).isEmpty();
  }

  @Test
  void aReplyTopicKnownMissingIsNotWaitedFor() {
    var broker = new ScriptedBroker();
    cachedAnswers.put("acme.results", ReplyTopics.Usability.MISSING);

    publisher(broker).publish("acme.results", result("e-1"));

    assertThat(broker.tried).containsExactly("results");
    assertThat(broker.header(0, ResultPublisher.REPLY_ERROR_HEADER)).contains("does not exist");
  }

  @Test
  void aResultTooLargeEvenForTheDefaultTopicIsCutAndSaysSo() {
    var broker =
        new ScriptedBroker()
            .refuse("acme.results", new RecordTooLargeException("too large"))
            .refuseOnce("results", new RecordTooLargeException("too large"));

    publisher(broker).publish("acme.results", failed("e-1", "x".repeat(50_000)));

    assertThat(broker.tried).containsExactly("acme.results", "results", "results");
    assertThat(broker.delivered).hasSize(1);
    var sent = JsonMapper.builder().build().readTree(broker.delivered.get(0).value());
    assertThat(sent.path("error").path("message").asString()).hasSize(256).endsWith("…");
    assertThat(sent.has("metadata")).isFalse();
    assertThat(sent.path("status").asString()).isEqualTo("FAILED");
    assertThat(broker.header(0, ResultPublisher.REPLY_ERROR_HEADER))
        .contains("too large")
        .contains("cut");
  }

  @Test
  void aProducerThatMayBlockLongerThanAPublishIsRefusedAtStart() {
    var sixtySeconds =
        new DefaultKafkaProducerFactory<String, String>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"));
    assertThatThrownBy(
            () ->
                new ResultPublisher(
                    new KafkaTemplate<>(sixtySeconds),
                    JsonMapper.builder().build(),
                    new TopicProperties(
                        "requests", "results", "dlq", ".+", 1, Duration.ofSeconds(6)),
                    replyTopics))
        .as("Kafka's default max.block.ms, 60 s")
        .hasMessageContaining("max.block.ms");

    var threeSeconds =
        new DefaultKafkaProducerFactory<String, String>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:9092",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                3000));
    assertThatThrownBy(
            () ->
                new ResultPublisher(
                    new KafkaTemplate<>(threeSeconds),
                    JsonMapper.builder().build(),
                    new TopicProperties(
                        "requests", "results", "dlq", ".+", 1, Duration.ofSeconds(10)),
                    replyTopics))
        .as("a publish as long as a try of the finish step")
        .hasMessageContaining("send-timeout");
    new ResultPublisher(
        new KafkaTemplate<>(threeSeconds),
        JsonMapper.builder().build(),
        new TopicProperties("requests", "results", "dlq", ".+", 1, Duration.ofSeconds(6)),
        replyTopics);
  }
}
