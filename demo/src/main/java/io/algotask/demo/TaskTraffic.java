package io.algotask.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A business service's side of Kafka: sends task requests and reads results (contract sections 1
 * and 2). Results are read from the moment it is created: open it before submitting.
 */
public final class TaskTraffic implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;
  private final String requestsTopic;

  public TaskTraffic(String bootstrapServers, String requestsTopic, String resultsTopic) {
    this.requestsTopic = requestsTopic;
    var producerProperties = new Properties();
    producerProperties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProperties.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    this.producer =
        new KafkaProducer<>(producerProperties, new StringSerializer(), new StringSerializer());

    var consumerProperties = new Properties();
    consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new StringDeserializer());
    var partitions = new ArrayList<TopicPartition>();
    for (var info : consumer.partitionsFor(resultsTopic, Duration.ofSeconds(30))) {
      partitions.add(new TopicPartition(resultsTopic, info.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fix "now" before anything is submitted
  }

  /** Sends one request (a JSON object) keyed by its taskId, and waits for the broker's ack. */
  public void submit(Map<String, Object> request) {
    submitAll(List.of(request));
  }

  public void submitAll(List<Map<String, Object>> requests) {
    var acks = new ArrayList<Future<RecordMetadata>>();
    for (var request : requests) {
      acks.add(
          producer.send(
              new ProducerRecord<>(
                  requestsTopic,
                  (String) request.get("taskId"),
                  JSON.writeValueAsString(request))));
    }
    try {
      for (var ack : acks) {
        ack.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while submitting", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka refused a request", e.getCause());
    }
  }

  /**
   * Reads results until each of the task ids has one, or the timeout passes; every result read
   * (also repeats, also of other tasks) goes to the listener.
   *
   * @return the first result of each awaited task that arrived in time
   */
  public Map<String, JsonNode> awaitResults(
      Set<String> taskIds, Duration timeout, Consumer<JsonNode> listener) {
    var results = new HashMap<String, JsonNode>();
    var deadline = System.nanoTime() + timeout.toNanos();
    while (!results.keySet().containsAll(taskIds) && System.nanoTime() < deadline) {
      poll(Duration.ofMillis(200), listener, results);
    }
    return results;
  }

  /** Reads whatever results come within the duration. */
  public void listen(Duration duration, Consumer<JsonNode> listener) {
    var deadline = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < deadline) {
      poll(Duration.ofMillis(200), listener, new HashMap<>());
    }
  }

  private void poll(Duration wait, Consumer<JsonNode> listener, Map<String, JsonNode> results) {
    for (var record : consumer.poll(wait)) {
      var result = JSON.readTree(record.value());
      results.putIfAbsent(result.path("taskId").asString(), result);
      listener.accept(result);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    consumer.close(Duration.ofSeconds(5));
  }
}
