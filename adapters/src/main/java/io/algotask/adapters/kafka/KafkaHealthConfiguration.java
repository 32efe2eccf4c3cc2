package io.algotask.adapters.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
public class KafkaHealthConfiguration {

  /** A long-lived admin client: creating one per health check would cost a connection each time. */
  @Bean(destroyMethod = "close")
  Admin kafkaAdminClient(KafkaAdmin kafkaAdmin) {
    return Admin.create(kafkaAdmin.getConfigurationProperties());
  }

  @Bean("kafkaHealthIndicator")
  KafkaHealthIndicator kafkaHealthIndicator(Admin kafkaAdminClient) {
    return new KafkaHealthIndicator(kafkaAdminClient);
  }
}
