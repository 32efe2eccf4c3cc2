package io.algotask.api.intake;

import io.algotask.adapters.kafka.TopicProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

  /** The contract's topics, created when missing. */
  @Bean
  KafkaAdmin.NewTopics algotaskTopics(TopicProperties topics) {
    return new KafkaAdmin.NewTopics(
        topic(topics.requests(), topics.partitions()),
        topic(topics.results(), topics.partitions()),
        topic(topics.deadLetter(), 1));
  }

  private static NewTopic topic(String name, int partitions) {
    return TopicBuilder.name(name).partitions(partitions).build();
  }

  /**
   * A record that fails for a reason outside it (database, Temporal or Kafka unreachable) is tried
   * again, with backoff, for as long as it takes: skipping it would lose a task.
   */
  @Bean
  DefaultErrorHandler intakeErrorHandler() {
    var backOff = new ExponentialBackOff(500, 2);
    backOff.setMaxInterval(15_000);
    return new DefaultErrorHandler(backOff);
  }
}
