package io.algotask.adapters.records;

import org.flywaydb.core.Flyway;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class RecordsConfiguration {

  @Bean("postgresHealthIndicator")
  PostgresHealthIndicator postgresHealthIndicator(Flyway flyway) {
    return new PostgresHealthIndicator(flyway);
  }
}
