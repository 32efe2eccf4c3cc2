package io.algotask.adapters.slots;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.redis.RedisConnection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest
class ReconcilerLeaseIT {
  @Autowired RedisConnection redis;

  @Test
  void oneProcessHoldsTheLeaseUntilItStopsRenewingIt() throws Exception {
    var properties =
        new SlotProperties(
            "it-" + UUID.randomUUID() + ":", Duration.ofMinutes(2), Duration.ofMinutes(1));
    var first = new ReconcilerLease(redis, properties);
    var second = new ReconcilerLease(redis, properties);
    var ttl = Duration.ofMillis(300);
    try {
      assertThat(first.hold(ttl)).isTrue();
      assertThat(second.hold(ttl)).isFalse();
      assertThat(first.hold(ttl)).as("its holder renews it").isTrue();

      Thread.sleep(ttl.toMillis() + 100); // the holder died: nobody renewed it

      assertThat(second.hold(ttl)).isTrue();
      assertThat(first.hold(ttl)).isFalse();
    } finally {
      redis.sync().del(properties.keyPrefix() + "reconciler");
    }
  }
}
