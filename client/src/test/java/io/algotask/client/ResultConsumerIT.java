package io.algotask.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The result consumer on the real Kafka of the local stack: a result delivered twice is handed over
 * once, a handler that throws gets its result again, committed results are not read again, and a
 * store of the application's own carries the deduplication across a restart.
 */
class ResultConsumerIT {
  private static final String KAFKA = System.getProperty("algotask.test.kafka", "127.0.0.1:9092");
  private static final String RUN = "client-" + UUID.randomUUID().toString().substring(0, 8);
  private static KafkaProducer<String, String> producer;

  @BeforeAll
  static void connect() throws Exception {
    producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA),
            new StringSerializer(),
            new StringSerializer());
  }

  @AfterAll
  static void disconnect() {
    if (producer != null) {
      producer.close();
    }
  }

  /** A topic of its own, two partitions, so that a test sees only its own results. */
  private static String topic(String name) throws Exception {
    var topic = "algotask." + RUN + "." + name;
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    return topic;
  }

  /** A result as Algotask publishes it: keyed by taskId, its eventId in a header too. */
  private static void publish(String topic, String taskId, String eventId) throws Exception {
    var value =
        ("{\"eventId\":\"%s\",\"taskId\":\"%s\",\"algorithm\":\"ocr\",\"tenant\":\"acme\","
                + "\"status\":\"FAILED\",\"attempts\":1,\"error\":{\"code\":\"ALGORITHM_ERROR\","
                + "\"message\":\"bad scan\"},\"submittedAt\":\"2026-01-01T00:00:00Z\","
                + "\"finishedAt\":\"2026-01-01T00:00:05Z\"}")
            .formatted(eventId, taskId);
    var record = new ProducerRecord<>(topic, taskId, value);
    record.headers().add("algotask-event-id", eventId.getBytes(StandardCharsets.UTF_8));
    producer.send(record).get(30, TimeUnit.SECONDS);
  }

  private static ResultConsumer consumer(String topic, String group, SeenEvents seen) {
    return new ResultConsumer(KAFKA, RUN + "-" + group, topic, Map.of(), seen);
  }

  /** Polls until the handler has seen {@code count} results, then a few seconds more. */
  private static void pollUntil(ResultConsumer consumer, List<TaskResult> handled, int count) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(500), handled::add);
              return handled.size() >= count;
            });
    // whatever else is on the topic has come by now
    for (var i = 0; i < 4; i++) {
      consumer.poll(Duration.ofMillis(500), handled::add);
    }
  }

  @Test
  void aResultDeliveredTwiceIsHandedOverOnce() throws Exception {
    var topic = topic("twice");
    publish(topic, "doc-1", "event-1");
    publish(topic, "doc-2", "event-2");
    publish(topic, "doc-1", "event-1"); // the resend of a lost worker: the same eventId
    var handled = new ArrayList<TaskResult>();
    try (var consumer = consumer(topic, "twice", new RecentEvents())) {
      pollUntil(consumer, handled, 2);
      publish(topic, "doc-1", "event-1"); // and a copy that comes later
      pollUntil(consumer, handled, 2);
    }
    assertThat(handled)
        .extracting(TaskResult::eventId)
        .containsExactlyInAnyOrder("event-1", "event-2");
    var first = handled.stream().filter(r -> r.taskId().equals("doc-1")).findFirst().orElseThrow();
    assertThat(first.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(first.error().code()).isEqualTo("ALGORITHM_ERROR");
  }

  @Test
  void aHandlerThatThrowsGetsTheSameResultAgainAndNothingIsLost() throws Exception {
    var topic = topic("throws");
    for (var i = 1; i <= 5; i++) {
      publish(topic, "doc-" + i, "event-" + i);
    }
    var handled = new ArrayList<String>();
    var failOnce = ConcurrentHashMap.<String>newKeySet();
    try (var consumer = consumer(topic, "throws", new RecentEvents())) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsMatching(e -> e.getMessage().startsWith("handler failed"))
          .until(
              () -> {
                consumer.poll(
                    Duration.ofMillis(500),
                    result -> {
                      if (result.eventId().equals("event-3") && failOnce.add("event-3")) {
                        throw new IllegalStateException("handler failed on event-3");
                      }
                      handled.add(result.eventId());
                    });
                return handled.size() >= 5;
              });
    }
    assertThat(failOnce).containsExactly("event-3");
    assertThat(handled)
        .containsExactlyInAnyOrder("event-1", "event-2", "event-3", "event-4", "event-5");

    // committed: the group reads none of them again
    var again = new ArrayList<TaskResult>();
    try (var consumer = consumer(topic, "throws", new RecentEvents())) {
      for (var i = 0; i < 6; i++) {
        consumer.poll(Duration.ofMillis(500), again::add);
      }
    }
    assertThat(again).isEmpty();
  }

  @Test
  void aStoreOfTheApplicationsOwnKeepsAResultFromBeingHandledTwiceAcrossARestart()
      throws Exception {
    var topic = topic("restart");
    Set<String> table = ConcurrentHashMap.newKeySet(); // stands for the application's database
    SeenEvents durable =
        new SeenEvents() {
          @Override
          public boolean seen(String eventId) {
            return table.contains(eventId);
          }

          @Override
          public void remember(String eventId) {
            table.add(eventId);
          }
        };
    publish(topic, "doc-1", "event-1");
    var handled = new ArrayList<TaskResult>();
    try (var consumer = consumer(topic, "restart", durable)) {
      pollUntil(consumer, handled, 1);
    }
    publish(topic, "doc-1", "event-1"); // the copy arrives while the application is down
    publish(topic, "doc-2", "event-2");
    try (var restarted = consumer(topic, "restart", durable)) {
      pollUntil(restarted, handled, 2);
    }
    assertThat(handled).extracting(TaskResult::eventId).containsExactly("event-1", "event-2");
    assertThat(table).containsExactlyInAnyOrder("event-1", "event-2");
  }

  @Test
  void aRecordThatIsNotAResultStopsThePollLoudlyAndStaysToBeSeen() throws Exception {
    var topic = topic("garbage");
    producer.send(new ProducerRecord<>(topic, 0, "doc-1", "not json")).get(30, TimeUnit.SECONDS);
    try (var consumer = consumer(topic, "garbage", new RecentEvents())) {
      for (var attempt = 1; attempt <= 2; attempt++) {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        assertThatThrownBy(
                () -> {
                  while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500), result -> {});
                  }
                })
            .as("poll %d", attempt)
            .isInstanceOf(AlgotaskException.class)
            .hasMessageContaining(topic + "-0@0 is not a task result");
      }
    }
  }
}
