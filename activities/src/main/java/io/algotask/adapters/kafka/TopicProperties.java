package io.algotask.adapters.kafka;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
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
 * @param sendTimeout the longest wait for the broker to acknowledge a record
 */
@Validated
@ConfigurationProperties("algotask.topics")
public record TopicProperties(
    @NotBlank @DefaultValue("algotask.task.requests") String requests,
    @NotBlank @DefaultValue("algotask.task.results") String results,
    @NotBlank @DefaultValue("algotask.task.requests.dlq") String deadLetter,
    @NotBlank @DefaultValue("[A-Za-z0-9._-]{1,249}") String allowedReplyTopics,
    @DefaultValue("3") int partitions,
    @DefaultValue("10s") Duration sendTimeout) {}
