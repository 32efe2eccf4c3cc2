package io.algotask.adapters.records;

import org.flywaydb.core.Flyway;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP when PostgreSQL answers and the schema is migrated to the version this build expects; DOWN
 * with the pending migrations otherwise.
 */
public class PostgresHealthIndicator extends AbstractHealthIndicator {
  private final Flyway flyway;

  public PostgresHealthIndicator(Flyway flyway) {
    super("PostgreSQL health check failed");
    this.flyway = flyway;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    var info = flyway.info();
    var current = info.current();
    var pending = info.pending().length;
    builder
        .status(pending == 0 && current != null ? "UP" : "DOWN")
        .withDetail("database", "PostgreSQL")
        .withDetail("schemaVersion", current == null ? "none" : current.getVersion().toString())
        .withDetail("pendingMigrations", pending);
  }
}
