package io.algotask.adapters.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** UP when Redis answers PING; the details give its version. */
public class RedisHealthIndicator extends AbstractHealthIndicator {
  private final StatefulRedisConnection<String, String> connection;

  public RedisHealthIndicator(StatefulRedisConnection<String, String> connection) {
    super("Redis health check failed");
    this.connection = connection;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    var commands = connection.sync();
    var pong = commands.ping();
    var version =
        commands
            .info("server")
            .lines()
            .filter(line -> line.startsWith("redis_version:"))
            .map(line -> line.substring("redis_version:".length()))
            .findFirst()
            .orElse("unknown");
    builder.status("PONG".equals(pong) ? "UP" : "DOWN").withDetail("version", version);
  }
}
