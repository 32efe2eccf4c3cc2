package io.algotask.adapters.records;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL's LISTEN/NOTIFY, for changes that every process must see at once (the registry) and
 * for pushing a task's changes to its watchers. One connection listens for the whole process: it is
 * opened from the same settings as the pool but outside it, since it is held for good and must not
 * take a connection that the activities need (nor wait for one when they hold them all). A
 * notification can be missed while that connection is down, so each listener is also asked to catch
 * up after every (re)connection and at a steady interval.
 */
@Component
public class PostgresNotifications implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(PostgresNotifications.class);
  private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /**
   * What a listener is told: a payload of its channel, or to catch up on what it may have missed.
   */
  public interface Listener {
    void notified(String payload);

    void catchUp();
  }

  private final DataSourceProperties database;
  private final Duration catchUpInterval;
  private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
  private volatile boolean running;
  private Thread thread;

  PostgresNotifications(
      DataSourceProperties database,
      @Value("${algotask.notifications.catch-up-interval:10s}") Duration catchUpInterval) {
    this.database = database;
    this.catchUpInterval = catchUpInterval;
  }

  /** Starts listening on the channel (from the next round of the listening thread). */
  public void listen(String channel, Listener listener) {
    if (!CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("not a channel name: " + channel);
    }
    listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
  }

  /** A listener that only needs the payloads; catching up is the same as being told. */
  public void listen(String channel, Consumer<String> onPayload, Runnable onCatchUp) {
    listen(
        channel,
        new Listener() {
          @Override
          public void notified(String payload) {
            onPayload.accept(payload);
          }

          @Override
          public void catchUp() {
            onCatchUp.run();
          }
        });
  }

  @Override
  public synchronized void start() {
    running = true;
    thread = new Thread(this::listenUntilStopped, "postgres-notifications");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void listenUntilStopped() {
    while (running) {
      try (var connection = openListeningConnection()) {
        connection.setAutoCommit(true);
        listenOn(connection);
      } catch (SQLException | RuntimeException e) {
        if (running) {
          log.warn("listening to PostgreSQL failed, reconnecting in 1 s: {}", e.toString());
          sleepQuietly(Duration.ofSeconds(1));
        }
      }
    }
  }

  /** A connection of its own, outside the pool, to the pool's database as the same user. */
  private Connection openListeningConnection() throws SQLException {
    var url = database.determineUrl();
    var credentials = new Properties();
    if (database.determineUsername() != null) {
      credentials.setProperty("user", database.determineUsername());
    }
    if (database.determinePassword() != null) {
      credentials.setProperty("password", database.determinePassword());
    }
    credentials.setProperty("ApplicationName", "algotask-notifications");
    return DriverManager.getConnection(url, credentials);
  }

  private void listenOn(Connection connection) throws SQLException {
    var pg = connection.unwrap(PGConnection.class);
    var subscribed = new HashSet<String>();
    // System.nanoTime() has an arbitrary origin, possibly negative: count from now, not from 0
    long nextCatchUp = System.nanoTime();
    while (running) {
      for (var channel : listeners.keySet()) {
        if (subscribed.add(channel)) {
          try (var statement = connection.createStatement()) {
            statement.execute("LISTEN " + channel);
          }
          listeners.get(channel).forEach(PostgresNotifications::catchUp);
        }
      }
      var notifications = pg.getNotifications(250);
      if (notifications != null) {
        for (var notification : notifications) {
          for (var listener : listeners.getOrDefault(notification.getName(), List.of())) {
            try {
              listener.notified(notification.getParameter());
            } catch (RuntimeException e) {
              log.warn("a listener of {} failed: {}", notification.getName(), e.toString());
            }
          }
        }
      }
      var now = System.nanoTime();
      if (now - nextCatchUp >= 0) {
        nextCatchUp = now + catchUpInterval.toNanos();
        listeners.values().forEach(list -> list.forEach(PostgresNotifications::catchUp));
      }
    }
  }

  private static void catchUp(Listener listener) {
    try {
      listener.catchUp();
    } catch (RuntimeException e) {
      log.warn("a listener failed to catch up: {}", e.toString());
    }
  }

  private static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
