package io.algotask.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads task results from a reply topic (contract section 2) and hands each result to the
 * application once: a copy of a result (the same {@code eventId}, in the header {@code
 * algotask-event-id}) that {@link SeenEvents} knows is skipped. Offsets are committed only after
 * the results before them were handled, so none is lost when the application stops or its handler
 * throws: a handler that throws gets the same result again on the next poll. A record that is not a
 * task result (another producer's on the topic) stops the poll the same way, with an {@link
 * AlgotaskException} naming its place, rather than being skipped unseen.
 *
 * <p>Like Kafka's consumer, one thread polls it.
 */
public final class ResultConsumer implements AutoCloseable {
  /** Algotask's default results topic ({@code algotask.topics.results}). */
  public static final String DEFAULT_RESULTS_TOPIC = "algotask.task.results";

  static final String EVENT_ID_HEADER = "algotask-event-id";
  static final String REPLY_ERROR_HEADER = "algotask-reply-error";

  private final KafkaConsumer<String, byte[]> consumer;
  private final SeenEvents seen;

  /**
   * @param groupId the application's consumer group: its instances share the topic's partitions
   * @param settings further consumer settings (security, {@code auto.offset.reset}), or an empty
   *     map
   * @param seen where handled eventIds are kept: {@link RecentEvents}, or a durable store
   */
  public ResultConsumer(
      String bootstrapServers,
      String groupId,
      String topic,
      Map<String, Object> settings,
      SeenEvents seen) {
    var config = new HashMap<String, Object>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.putAll(settings);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // the commits are this class's
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.consumer.subscribe(List.of(topic));
    this.seen = seen;
  }

  /**
   * Waits up to {@code timeout} for results and hands each new one to {@code handler}, in the order
   * of each partition; returns how many were handed over (repeats skipped are not counted). If the
   * handler throws, the results handled before it are committed, the one it threw on and those
   * after it are read again by the next poll, and the exception is thrown.
   */
  public int poll(Duration timeout, Consumer<TaskResult> handler) {
    var records = consumer.poll(timeout);
    var handled = 0;
    var done = new HashMap<TopicPartition, OffsetAndMetadata>();
    try {
      for (var record : records) {
        var partition = new TopicPartition(record.topic(), record.partition());
        var result = read(record);
        var eventId = header(record, EVENT_ID_HEADER);
        if (eventId == null) {
          eventId = result.eventId();
        }
        if (!seen.seen(eventId)) {
          handler.accept(result);
          seen.remember(eventId);
          handled++;
        }
        done.put(partition, new OffsetAndMetadata(record.offset() + 1));
      }
    } catch (RuntimeException | Error failure) {
      // read again from the first result not handled, in every partition of this poll
      for (var partition : records.partitions()) {
        var next = done.get(partition);
        consumer.seek(
            partition, next != null ? next.offset() : records.records(partition).get(0).offset());
      }
      commit(done);
      throw failure;
    }
    commit(done);
    return handled;
  }

  private static TaskResult read(ConsumerRecord<String, byte[]> record) {
    try {
      return JsonWire.result(record.value(), header(record, REPLY_ERROR_HEADER));
    } catch (RuntimeException e) {
      throw new AlgotaskException(
          "the record at "
              + record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset()
              + " is not a task result: "
              + e.getMessage(),
          e);
    }
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (!offsets.isEmpty()) {
      consumer.commitSync(offsets);
    }
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * Makes a poll in progress on another thread return at once (it throws Kafka's WakeupException).
   */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
