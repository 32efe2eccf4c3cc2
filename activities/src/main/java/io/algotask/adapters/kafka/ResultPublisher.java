package io.algotask.adapters.kafka;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Sends task results to their reply topics, keyed by taskId, and waits for the broker's ack. */
@Component
@EnableConfigurationProperties(TopicProperties.class)
public class ResultPublisher {
  /** Lets consumers drop a repeated result without parsing it. */
  public static final String EVENT_ID_HEADER = "algotask-event-id";

  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;
  private final TopicProperties topics;

  public ResultPublisher(
      KafkaTemplate<String, String> kafka, JsonMapper json, TopicProperties topics) {
    this.kafka = kafka;
    this.json = json;
    this.topics = topics;
  }

  public void publish(String topic, TaskResultMessage result) {
    var record = new ProducerRecord<>(topic, result.taskId(), json.writeValueAsString(result));
    record.headers().add(EVENT_ID_HEADER, result.eventId().getBytes(StandardCharsets.UTF_8));
    try {
      kafka.send(record).get(topics.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while publishing the result of " + result.taskId(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "could not publish the result of " + result.taskId() + " to " + topic, e);
    }
  }
}
