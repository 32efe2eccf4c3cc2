package io.algotask.adapters.kafka;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Kafka topics of the contract (section 1 and 2).
 *
 * @param requests where business services submit tasks
 * @param results the default reply topic
 * @param deadLetter where records that are not tasks at all go, unchanged
 * @param allowedReplyTopics the pattern a request's replyTopic must match
 * @param partitions partitions of the topics the apps create when missing
 * @param replicationFactor replicas of each partition of the topics the apps create when missing;
 *     null for the broker's {@code default.replication.factor}
 * @param minInsyncReplicas the {@code min.insync.replicas} of the topics the apps create when
 *     missing: the replicas that must have a record before a producer with {@code acks=all} is
 *     answered; null for the broker's default
 * @param sendTimeout the longest a result's publishing may take, below the finish step's own
 *     timeout; the producer's {@code max.block.ms} must be shorter
 * @param knownTopicRecheck how long the answer that a reply topic exists is trusted
 * @param missingTopicRecheck how long the answer that a reply topic does not exist is trusted: a
 *     topic created a moment ago is usable that much later
 */
@Validated
@ConfigurationProperties("algotask.topics")
public record TopicProperties(
    @NotBlank @DefaultValue("algotask.task.requests") String requests,
    @NotBlank @DefaultValue("algotask.task.results") String results,
    @NotBlank @DefaultValue("algotask.task.requests.dlq") String deadLetter,
    @NotBlank @DefaultValue("[A-Za-z0-9._-]{1,249}") String allowedReplyTopics,
    @DefaultValue("3") int partitions,
    @DefaultValue("6s") Duration sendTimeout,
    @DefaultValue("5m") Duration knownTopicRecheck,
    @DefaultValue("5s") Duration missingTopicRecheck,
    @Positive Integer replicationFactor,
    @Positive Integer minInsyncReplicas) {

  @ConstructorBinding
  public TopicProperties {
    if (replicationFactor != null
        && minInsyncReplicas != null
        && minInsyncReplicas > replicationFactor) {
      throw new IllegalArgumentException(
          "algotask.topics.min-insync-replicas ("
              + minInsyncReplicas
              + ") must not exceed algotask.topics.replication-factor ("
              + replicationFactor
              + "): no write could ever be acknowledged");
    }
  }

  public TopicProperties(
      String requests,
      String results,
      String deadLetter,
      String allowedReplyTopics,
      int partitions,
      Duration sendTimeout) {
    this(
        requests,
        results,
        deadLetter,
        allowedReplyTopics,
        partitions,
        sendTimeout,
        Duration.ofMinutes(5),
        Duration.ofSeconds(5),
        null,
        null);
  }
}
