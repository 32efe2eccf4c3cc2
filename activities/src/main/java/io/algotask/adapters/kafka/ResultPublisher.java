package io.algotask.adapters.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends task results to their reply topics, keyed by taskId, and waits for the broker's ack.
 *
 * <p>A send that is not acknowledged in time stays in the producer and is delivered when the broker
 * is back; so a retried publish of the same event joins that send instead of making a second copy.
 * Only a send that failed for good is made again.
 */
@Component
@EnableConfigurationProperties(TopicProperties.class)
public class ResultPublisher {
  /** Lets consumers drop a repeated result without parsing it. */
  public static final String EVENT_ID_HEADER = "algotask-event-id";

  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;
  private final TopicProperties topics;

  /** Sends not yet acknowledged nor failed, by event id. */
  private final Map<String, CompletableFuture<?>> inFlight = new ConcurrentHashMap<>();

  /**
   * Events acknowledged lately: a retry that comes after its first send was acknowledged (but too
   * late for the caller to hear of it) sends nothing.
   */
  private final Set<String> acknowledged =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > REMEMBERED_ACKNOWLEDGEMENTS;
                }
              }));

  private static final int REMEMBERED_ACKNOWLEDGEMENTS = 10_000;

  public ResultPublisher(
      KafkaTemplate<String, String> kafka, JsonMapper json, TopicProperties topics) {
    this.kafka = kafka;
    this.json = json;
    this.topics = topics;
  }

  /**
   * Sends the record unless a send of the same event is in flight, and returns that send. The map
   * is claimed first and the send made outside of it: a send may complete at once, and its removal
   * must not run inside the map's own update.
   */
  private CompletableFuture<?> sendOnce(String eventId, ProducerRecord<String, String> record) {
    var mine = new CompletableFuture<Object>();
    var earlier = inFlight.putIfAbsent(eventId, mine);
    if (earlier != null) {
      return earlier;
    }
    try {
      kafka
          .send(record)
          .whenComplete(
              (sent, failure) -> {
                if (failure == null) {
                  acknowledged.add(eventId);
                }
                inFlight.remove(eventId, mine);
                if (failure == null) {
                  mine.complete(sent);
                } else {
                  mine.completeExceptionally(failure);
                }
              });
    } catch (RuntimeException e) {
      inFlight.remove(eventId, mine);
      mine.completeExceptionally(e);
    }
    return mine;
  }

  /** Sends not yet acknowledged nor failed. */
  int sendsInFlight() {
    return inFlight.size();
  }

  public void publish(String topic, TaskResultMessage result) {
    var record = new ProducerRecord<>(topic, result.taskId(), json.writeValueAsString(result));
    record.headers().add(EVENT_ID_HEADER, result.eventId().getBytes(StandardCharsets.UTF_8));
    if (acknowledged.contains(result.eventId())) {
      return;
    }
    var send = sendOnce(result.eventId(), record);
    try {
      send.get(topics.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
