package io.algotask.adapters.redis;

import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP when Redis answers PING, and for a Redis Cluster when the cluster serves every slot ({@code
 * cluster_state:ok}); the details give its version, and a cluster's state and number of masters.
 */
public class RedisHealthIndicator extends AbstractHealthIndicator {
  private final RedisConnection connection;

  public RedisHealthIndicator(RedisConnection connection) {
    super("Redis health check failed");
    this.connection = connection;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    var commands = connection.sync();
    var up = "PONG".equals(commands.ping());
    builder.withDetail(
        "version", field(commands.info("server"), "redis_version").orElse("unknown"));
    if (connection.cluster()) {
      var info = commands.clusterInfo();
      var state = field(info, "cluster_state").orElse("unknown");
      up &= "ok".equals(state);
      builder
          .withDetail("clusterState", state)
          .withDetail("masters", field(info, "cluster_size").orElse("unknown"));
    }
    builder.status(up ? "UP" : "DOWN");
  }

  /** A field of an INFO-like reply: {@code name:value} lines. */
  private static Optional<String> field(String reply, String name) {
    var prefix = name + ":";
    return reply
        .lines()
        .filter(line -> line.startsWith(prefix))
        .map(line -> line.substring(prefix.length()).strip())
        .findFirst();
  }
}
