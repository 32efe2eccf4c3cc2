package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Against the local stack's Redis, with keys of the test's own. */
class RedisKeysIT {
  private static final String REDIS_URI =
      BenchSettings.parse(new String[0], Instant.now()).redisUri();

  @Test
  void deletesEveryMatchingKeyAndNoOther() {
    var prefix = "algotask:bench-test:" + UUID.randomUUID() + ":";
    var client = RedisClient.create(REDIS_URI);
    try (var connection = client.connect()) {
      var redis = connection.sync();
      // more than one SCAN batch, of every type the slots use
      for (int i = 0; i < 2_500; i++) {
        redis.set(prefix + "run:{a" + i + "}:state", "x");
      }
      redis.zadd(prefix + "run:{b}:holders", 1, "task");
      redis.hset(prefix + "run:{b}:hash", "epoch", "1");
      redis.set(prefix + "other:{c}:state", "kept");

      assertThat(RedisKeys.deleteMatching(REDIS_URI, List.of(), prefix + "run:*")).isEqualTo(2_502);

      assertThat(redis.keys(prefix + "*")).containsExactly(prefix + "other:{c}:state");
      assertThat(RedisKeys.deleteMatching(REDIS_URI, List.of(), prefix + "*")).isEqualTo(1);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
