package io.algotask.adapters.records;

import java.time.Duration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;

/**
 * A listening connection of its own, as another process has one: what reaches its listeners came
 * through PostgreSQL's NOTIFY (or its catch-up interval), never through this process's memory.
 */
public final class NotificationsForTests {
  private NotificationsForTests() {}

  /** Not started yet: register the listeners, then {@link PostgresNotifications#start()}. */
  public static PostgresNotifications create(
      DataSourceProperties database, Duration catchUpInterval) {
    return new PostgresNotifications(database, catchUpInterval);
  }
}
