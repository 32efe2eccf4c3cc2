package io.algotask.worker;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Sizes the worker's connection pool from its local-activity concurrency, unless {@code
 * spring.datasource.hikari.maximum-pool-size} is set outright: the quick steps of every task are
 * local activities, most of them one statement, and a pool far smaller than the activities that may
 * run at once makes them queue for connections (and fail after Hikari's connection timeout). The
 * LISTEN connection is outside the pool and counts on top.
 */
@Component
class DatabasePoolSizing implements BeanPostProcessor {
  private static final Logger log = LoggerFactory.getLogger(DatabasePoolSizing.class);

  static final String POOL_SIZE = "spring.datasource.hikari.maximum-pool-size";
  static final String LOCAL_ACTIVITIES =
      "spring.temporal.workers[0].capacity.max-concurrent-local-activity-executors";

  /** Temporal's own default for a worker's concurrent local activities. */
  static final int TEMPORAL_DEFAULT_LOCAL_ACTIVITIES = 200;

  /**
   * A local activity spends most of its time on Redis, HTTP or its own code rather than holding a
   * connection: one connection per four of them, never fewer than Hikari's default of ten.
   */
  static int poolSizeFor(int localActivities) {
    return Math.max(10, (localActivities + 3) / 4);
  }

  private final Environment environment;

  DatabasePoolSizing(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof HikariDataSource pool && !environment.containsProperty(POOL_SIZE)) {
      var localActivities =
          environment.getProperty(
              LOCAL_ACTIVITIES, Integer.class, TEMPORAL_DEFAULT_LOCAL_ACTIVITIES);
      pool.setMaximumPoolSize(poolSizeFor(localActivities));
      log.info(
          "database pool sized {} for {} concurrent local activities",
          pool.getMaximumPoolSize(),
          localActivities);
    }
    return bean;
  }
}
