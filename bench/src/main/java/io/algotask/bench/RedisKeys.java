package io.algotask.bench;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Deletes the run's slot keys from Redis, or from every master of a Redis Cluster. */
final class RedisKeys {
  private static final int BATCH = 1000;

  private RedisKeys() {}

  /**
   * Deletes every key matching the pattern (SCAN, then DEL); returns how many went.
   *
   * @param clusterNodes a Redis Cluster's seed nodes, or empty for the single Redis at redisUri
   */
  static long deleteMatching(String redisUri, List<String> clusterNodes, String pattern) {
    if (clusterNodes.isEmpty()) {
      var client = RedisClient.create(redisUri);
      try (var connection = client.connect()) {
        return deleteMatching(connection.sync(), pattern);
      } finally {
        shutdown(client);
      }
    }
    var client = RedisClusterClient.create(clusterNodes.stream().map(RedisURI::create).toList());
    try (var connection = client.connect()) {
      // the cluster connection's SCAN walks every master in turn; DEL splits its keys by slot
      return deleteMatching(connection.sync(), pattern);
    } finally {
      shutdown(client);
    }
  }

  private static long deleteMatching(RedisKeyCommands<String, String> redis, String pattern) {
    var keys = ScanIterator.scan(redis, ScanArgs.Builder.matches(pattern).limit(BATCH));
    var batch = new ArrayList<String>();
    long deleted = 0;
    while (keys.hasNext()) {
      batch.add(keys.next());
      if (batch.size() == BATCH) {
        deleted += redis.del(batch.toArray(String[]::new));
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      deleted += redis.del(batch.toArray(String[]::new));
    }
    return deleted;
  }

  private static void shutdown(AbstractRedisClient client) {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
