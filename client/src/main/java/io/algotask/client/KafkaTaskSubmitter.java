package io.algotask.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka door (contract section 1): one record per task on the requests topic, keyed by its
 * taskId, its value the request's JSON. Algotask answers with the task's result on its reply topic
 * (read it with {@link ResultConsumer}); a request that breaks a rule gets a {@code REJECTED}
 * result. Safe for use by many threads.
 */
public final class KafkaTaskSubmitter implements AutoCloseable {
  /** Algotask's default requests topic ({@code algotask.topics.requests}). */
  public static final String DEFAULT_REQUESTS_TOPIC = "algotask.task.requests";

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Duration sendTimeout;

  /**
   * @param producer a producer of the caller's, e.g. with its security settings; closed with this
   *     submitter
   */
  public KafkaTaskSubmitter(Producer<String, byte[]> producer, String topic, Duration sendTimeout) {
    this.producer = producer;
    this.topic = topic;
    this.sendTimeout = sendTimeout;
  }

  /**
   * A submitter with a producer of its own: acks from all in-sync replicas and idempotent sends, so
   * a request the broker acknowledged is never lost nor doubled by the producer's own retries.
   *
   * @param settings further producer settings (security, client id), or an empty map
   */
  public static KafkaTaskSubmitter connect(
      String bootstrapServers, String topic, Map<String, Object> settings) {
    var config = new HashMap<String, Object>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putAll(settings);
    return new KafkaTaskSubmitter(
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()),
        topic,
        Duration.ofSeconds(30));
  }

  /**
   * Hands the task over and returns once the broker has it. Sending the same taskId again is safe:
   * it is the same task, which runs once and has one result.
   *
   * @throws AlgotaskException when the broker did not acknowledge the record in time
   */
  public void submit(TaskRequest request) {
    var record = new ProducerRecord<>(topic, request.taskId(), JsonWire.requestJson(request));
    try {
      producer.send(record).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlgotaskException("interrupted while handing over task " + request.taskId(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AlgotaskException(
          "task " + request.taskId() + " was not acknowledged by Kafka",
          e instanceof ExecutionException ? e.getCause() : e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
