package io.algotask.adapters.records;

import org.flywaydb.core.Flyway;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/** The records live in this package, outside the apps' own packages: point JPA at them. */
@Configuration(proxyBeanMethods = false)
@EntityScan(basePackageClasses = TaskRecord.class)
@EnableJpaRepositories(basePackageClasses = TaskRecord.class)
public class RecordsConfiguration {

  @Bean("postgresHealthIndicator")
  PostgresHealthIndicator postgresHealthIndicator(Flyway flyway) {
    return new PostgresHealthIndicator(flyway);
  }
}
