package io.algotask.adapters.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * The process's one shared, thread-safe connection to Redis, be it one server or a Redis Cluster.
 * Its commands are those both answer alike, so no caller needs to know which one it talks to: on a
 * cluster, each command goes to the master of its keys' slot (all keys of one call share a slot,
 * see {@code SlotKeys}).
 */
public final class RedisConnection implements AutoCloseable {
  private final StatefulConnection<String, String> connection;
  private final RedisClusterCommands<String, String> sync;
  private final RedisClusterAsyncCommands<String, String> async;
  private final boolean cluster;

  private RedisConnection(
      StatefulConnection<String, String> connection,
      RedisClusterCommands<String, String> sync,
      RedisClusterAsyncCommands<String, String> async,
      boolean cluster) {
    this.connection = connection;
    this.sync = sync;
    this.async = async;
    this.cluster = cluster;
  }

  /** A connection to one server. */
  public static RedisConnection of(StatefulRedisConnection<String, String> server) {
    return new RedisConnection(server, server.sync(), server.async(), false);
  }

  /** A connection to a Redis Cluster. */
  public static RedisConnection of(StatefulRedisClusterConnection<String, String> cluster) {
    return new RedisConnection(cluster, cluster.sync(), cluster.async(), true);
  }

  /** Blocking commands, each waiting at most the command timeout. */
  public RedisClusterCommands<String, String> sync() {
    return sync;
  }

  /** The same commands, answered by futures: for pipelining many commands at once. */
  public RedisClusterAsyncCommands<String, String> async() {
    return async;
  }

  /** Whether it talks to a Redis Cluster. */
  public boolean cluster() {
    return cluster;
  }

  @Override
  public void close() {
    connection.close();
  }
}
