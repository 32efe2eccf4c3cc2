package io.algotask.adapters.kafka;

import io.algotask.adapters.contract.TaskResultMessage;
import io.algotask.adapters.tracing.TraceContext;
import io.algotask.workflows.task.TaskActivityOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends task results to their reply topics, keyed by taskId, and waits for the broker's ack.
 *
 * <p>A send that is not acknowledged in time stays in the producer and is delivered when the broker
 * is back; so a retried publish of the same event joins that send instead of making a second copy.
 * Only a send that failed for good is made again.
 *
 * <p>A result its reply topic can never take (the topic is gone, not ours to write, or the record
 * too large for it) goes to the default results topic with a header saying why (contract section
 * 7): it is neither dropped nor retried without end.
 */
@Component
@EnableConfigurationProperties(TopicProperties.class)
public class ResultPublisher {
  private static final Logger log = LoggerFactory.getLogger(ResultPublisher.class);

  /** Lets consumers drop a repeated result without parsing it. */
  public static final String EVENT_ID_HEADER = "algotask-event-id";

  /** Why a result is on the default results topic rather than on its reply topic. */
  public static final String REPLY_ERROR_HEADER = "algotask-reply-error";

  /** What is left of an error message when a result must be cut to fit. */
  private static final int CUT_MESSAGE_CHARACTERS = 256;

  private final KafkaTemplate<String, String> kafka;
  private final JsonMapper json;
  private final TopicProperties topics;
  private final ReplyTopics replyTopics;

  /** Sends not yet acknowledged nor failed, by topic and event id. */
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
      KafkaTemplate<String, String> kafka,
      JsonMapper json,
      TopicProperties topics,
      ReplyTopics replyTopics) {
    this.kafka = kafka;
    this.json = json;
    this.topics = topics;
    this.replyTopics = replyTopics;
    refuseBlockingLongerThanAPublish(kafka, topics.sendTimeout());
  }

  /**
   * A send blocks its caller up to the producer's {@code max.block.ms} (waiting for a topic's
   * metadata): that must fit in a publish, which must fit in a try of the step that publishes, or
   * each try would hold a worker thread past its timeout while the next try starts.
   */
  private static void refuseBlockingLongerThanAPublish(
      KafkaTemplate<String, String> kafka, Duration sendTimeout) {
    if (sendTimeout.compareTo(TaskActivityOptions.QUICK_STEP_TIMEOUT) >= 0) {
      throw new IllegalStateException(
          "algotask.topics.send-timeout ("
              + sendTimeout
              + ") must be shorter than a try of the step that publishes results ("
              + TaskActivityOptions.QUICK_STEP_TIMEOUT
              + ")");
    }
    if (!(kafka.getProducerFactory() instanceof DefaultKafkaProducerFactory<?, ?> factory)) {
      return;
    }
    var maxBlock = factory.getConfigurationProperties().get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
    var maxBlockMillis = maxBlock == null ? 60_000L : Long.parseLong(maxBlock.toString());
    if (maxBlockMillis >= sendTimeout.toMillis()) {
      throw new IllegalStateException(
          "spring.kafka.producer.properties.max.block.ms ("
              + maxBlockMillis
              + ") must be shorter than algotask.topics.send-timeout ("
              + sendTimeout.toMillis()
              + " ms)");
    }
  }

  /** Sends not yet acknowledged nor failed. */
  int sendsInFlight() {
    return inFlight.size();
  }

  /**
   * Publishes the result to its topic or, when that topic can never take it, to the default results
   * topic with the reason in a header.
   *
   * @throws IllegalStateException when it may pass on a retry (Kafka is away), or when not even the
   *     default results topic takes it
   */
  public void publish(String topic, TaskResultMessage result) {
    if (acknowledged.contains(result.eventId())) {
      return;
    }
    var deadline = System.nanoTime() + topics.sendTimeout().toNanos();
    var known = topic.equals(topics.results()) ? null : replyTopics.cached(topic).orElse(null);
    var refusal =
        known != null && known != ReplyTopics.Usability.USABLE
            ? known.reason()
            : send(topic, result, null, deadline);
    if (refusal == null) {
      return;
    }
    var why = "replyTopic " + topic + ": " + refusal;
    log.warn(
        "the result of {} cannot go to {} ({}): sent to {}",
        result.taskId(),
        topic,
        refusal,
        topics.results());
    var fallback =
        topic.equals(topics.results()) ? refusal : send(topics.results(), result, why, deadline);
    if (fallback == null) {
      return;
    }
    var cut =
        send(
            topics.results(),
            cutToFit(result),
            why
                + "; "
                + topics.results()
                + ": "
                + fallback
                + ", so error.message was cut to "
                + CUT_MESSAGE_CHARACTERS
                + " characters and metadata left out",
            deadline);
    if (cut != null) {
      throw new IllegalStateException(
          "the result of "
              + result.taskId()
              + " cannot be published to "
              + topics.results()
              + " either: "
              + cut);
    }
  }

  /**
   * Sends and waits for the ack until the deadline.
   *
   * @return null when acknowledged, or why the topic can never take this record
   * @throws IllegalStateException when the send failed for a reason that may pass
   */
  private String send(
      String topic, TaskResultMessage result, String replyError, long deadlineNanos) {
    var record = new ProducerRecord<>(topic, result.taskId(), json.writeValueAsString(result));
    record.headers().add(EVENT_ID_HEADER, result.eventId().getBytes(StandardCharsets.UTF_8));
    if (replyError != null) {
      record.headers().add(REPLY_ERROR_HEADER, replyError.getBytes(StandardCharsets.UTF_8));
    }
    TraceContext.inject(record.headers()); // the end of the task's trace
    var send = sendOnce(topic + "/" + result.eventId(), result.eventId(), record);
    try {
      send.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while publishing the result of " + result.taskId(), e);
    } catch (ExecutionException | TimeoutException e) {
      var refusal = refusal(topic, e, deadlineNanos);
      if (refusal != null) {
        return refusal;
      }
      throw new IllegalStateException(
          "could not publish the result of " + result.taskId() + " to " + topic, e);
    }
  }

  /** Why the topic can never take the record, or null when the failure may pass. */
  private String refusal(String topic, Exception failure, long deadlineNanos) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof RecordTooLargeException) {
        return "the record is too large for the topic";
      }
      if (cause instanceof TopicAuthorizationException) {
        return ReplyTopics.Usability.NOT_AUTHORISED.reason();
      }
      if (cause instanceof UnknownTopicOrPartitionException
          || cause instanceof InvalidTopicException) {
        return ReplyTopics.Usability.MISSING.reason();
      }
    }
    // A producer waits for a missing topic as for an absent broker: ask which it is.
    var left = Duration.ofNanos(deadlineNanos - System.nanoTime());
    if (left.isNegative() || left.isZero()) {
      return null;
    }
    try {
      return replyTopics.checkNow(topic, left).reason();
    } catch (IllegalStateException kafkaAway) {
      return null;
    }
  }

  /** The result with what can be cut cut: most of the error message, and the metadata. */
  private static TaskResultMessage cutToFit(TaskResultMessage result) {
    var error = result.error();
    if (error != null
        && error.message() != null
        && error.message().length() > CUT_MESSAGE_CHARACTERS) {
      error =
          new TaskResultMessage.Error(
              error.code(), error.message().substring(0, CUT_MESSAGE_CHARACTERS - 1) + "…");
    }
    return new TaskResultMessage(
        result.eventId(),
        result.taskId(),
        result.algorithm(),
        result.tenant(),
        result.status(),
        result.attempts(),
        result.output(),
        error,
        result.submittedAt(),
        result.startedAt(),
        result.finishedAt(),
        null);
  }

  /**
   * Sends the record unless a send of it is in flight, and returns that send. The map is claimed
   * first and the send made outside of it: a send may complete at once, and its removal must not
   * run inside the map's own update.
   */
  private CompletableFuture<?> sendOnce(
      String key, String eventId, ProducerRecord<String, String> record) {
    var mine = new CompletableFuture<Object>();
    var earlier = inFlight.putIfAbsent(key, mine);
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
                inFlight.remove(key, mine);
                if (failure == null) {
                  mine.complete(sent);
                } else {
                  mine.completeExceptionally(failure);
                }
              });
    } catch (RuntimeException e) {
      inFlight.remove(key, mine);
      mine.completeExceptionally(e);
    }
    return mine;
  }
}
