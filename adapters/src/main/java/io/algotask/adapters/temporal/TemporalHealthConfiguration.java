package io.algotask.adapters.temporal;

import io.temporal.client.WorkflowClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class TemporalHealthConfiguration {

  @Bean("temporalHealthIndicator")
  TemporalHealthIndicator temporalHealthIndicator(WorkflowClient client) {
    return new TemporalHealthIndicator(client);
  }
}
