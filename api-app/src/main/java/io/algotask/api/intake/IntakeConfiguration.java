package io.algotask.api.intake;

import io.algotask.adapters.kafka.TopicProperties;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

  /**
   * The contract's topics, created when missing, replicated as configured (unset: as the broker's
   * defaults say). Topics that exist keep their settings.
   */
  @Bean
  KafkaAdmin.NewTopics algotaskTopics(TopicProperties topics) {
    return new KafkaAdmin.NewTopics(contractTopics(topics).toArray(NewTopic[]::new));
  }

  static List<NewTopic> contractTopics(TopicProperties topics) {
    return List.of(
        topic(topics, topics.requests(), topics.partitions()),
        topic(topics, topics.results(), topics.partitions()),
        topic(topics, topics.deadLetter(), 1));
  }

  private static NewTopic topic(TopicProperties topics, String name, int partitions) {
    var builder = TopicBuilder.name(name).partitions(partitions);
    if (topics.replicationFactor() != null) {
      builder.replicas(topics.replicationFactor());
    }
    if (topics.minInsyncReplicas() != null) {
      builder.config(
          TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, topics.minInsyncReplicas().toString());
    }
    return builder.build();
  }

  /**
   * A record that fails for a reason outside it (database, Temporal or Kafka unreachable) is tried
   * again, with backoff, for as long as it takes: skipping it would lose a task. Of a batch, the
   * records before the failed one are acknowledged, and the batch is taken again from it.
   */
  @Bean
  DefaultErrorHandler intakeErrorHandler() {
    var backOff = new ExponentialBackOff(500, 2);
    backOff.setMaxInterval(15_000);
    return new DefaultErrorHandler(backOff);
  }
}
