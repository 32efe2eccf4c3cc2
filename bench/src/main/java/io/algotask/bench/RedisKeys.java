package io.algotask.bench;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import java.time.Duration;

/** Deletes the run's slot keys from Redis when it is over. */
final class RedisKeys {
  private RedisKeys() {}

  /** Deletes every key matching the pattern (SCAN, then DEL); returns how many went. */
  static long deleteMatching(String redisUri, String pattern) {
    var client = RedisClient.create(redisUri);
    try (var connection = client.connect()) {
      var redis = connection.sync();
      var scan = ScanArgs.Builder.matches(pattern).limit(1000);
      long deleted = 0;
      KeyScanCursor<String> cursor = redis.scan(scan);
      while (true) {
        if (!cursor.getKeys().isEmpty()) {
          deleted += redis.del(cursor.getKeys().toArray(String[]::new));
        }
        if (cursor.isFinished()) {
          return deleted;
        }
        cursor = redis.scan(cursor, scan);
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
