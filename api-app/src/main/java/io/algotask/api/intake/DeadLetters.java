package io.algotask.api.intake;

import io.algotask.adapters.kafka.TopicProperties;
import io.algotask.adapters.metrics.TaskMetrics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The dead-letter topic: records that are not tasks, byte for byte as they came, with a header
 * saying why. Its own producer, so that the app's JSON template stays as Spring Boot made it.
 */
@Component
public class DeadLetters implements DisposableBean {
  /** The header that says why a record is on the dead-letter topic. */
  public static final String ERROR_HEADER = "algotask-error";

  private final DefaultKafkaProducerFactory<String, byte[]> producers;
  private final KafkaTemplate<String, byte[]> kafka;
  private final TopicProperties topics;
  private final TaskMetrics metrics;

  public DeadLetters(KafkaProperties kafka, TopicProperties topics, TaskMetrics metrics) {
    this.producers =
        new DefaultKafkaProducerFactory<>(
            kafka.buildProducerProperties(), new StringSerializer(), new ByteArraySerializer());
    this.kafka = new KafkaTemplate<>(producers);
    this.topics = topics;
    this.metrics = metrics;
  }

  public void send(ConsumerRecord<String, byte[]> record, String reason)
      throws InterruptedException, ExecutionException, TimeoutException {
    var letter = new ProducerRecord<>(topics.deadLetter(), null, record.key(), record.value());
    record.headers().forEach(header -> letter.headers().add(header));
    letter.headers().add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    kafka.send(letter).get(topics.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    metrics.deadLettered();
  }

  @Override
  public void destroy() {
    producers.destroy();
  }
}
