package io.algotask.adapters.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The process's LISTEN connection is no connection of the pool: the pool's connections are all for
 * the work, and notifications arrive while that work holds every one of them.
 */
@SpringBootTest(
    properties = {
      "spring.datasource.hikari.maximum-pool-size=4",
      "spring.datasource.hikari.connection-timeout=1000",
      // no catch-up (which reads through the pool) during the test
      "algotask.notifications.catch-up-interval=1h"
    })
class NotificationConnectionIT {
  @Autowired PostgresNotifications notifications;
  @Autowired HikariDataSource pool;
  @Autowired DataSourceProperties database;

  @Test
  void notificationsArriveWhileOtherWorkHoldsEveryConnectionOfThePool() throws Exception {
    var channel = "it_pool_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    var subscribed = new CountDownLatch(1);
    Queue<String> heard = new ConcurrentLinkedQueue<>();
    notifications.listen(channel, heard::add, subscribed::countDown);
    assertThat(subscribed.await(10, TimeUnit.SECONDS)).as("listening on " + channel).isTrue();

    var held = new ArrayList<Connection>();
    try {
      for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
        held.add(pool.getConnection()); // fails after 1 s if the listener took one for good
      }
      assertThat(pool.getHikariPoolMXBean().getActiveConnections())
          .as("every active connection of the pool is the work's")
          .isEqualTo(held.size());

      try (var outside =
          DriverManager.getConnection(
              database.determineUrl(),
              database.determineUsername(),
              database.determinePassword())) {
        outside.createStatement().execute("select pg_notify('" + channel + "', 'while busy')");
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !heard.isEmpty());
      assertThat(heard).containsExactly("while busy");
    } finally {
      for (var connection : held) {
        connection.close();
      }
    }
  }
}
