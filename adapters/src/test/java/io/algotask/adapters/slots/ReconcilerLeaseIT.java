package io.algotask.adapters.slots;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.redis.RedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
    var firstMeters = new SimpleMeterRegistry();
    var first = new ReconcilerLease(redis, properties, firstMeters);
    var second = new ReconcilerLease(redis, properties, new SimpleMeterRegistry());
    var ttl = Duration.ofMillis(300);
    try {
      assertThat(first.hold(ttl)).isTrue();
      assertThat(second.hold(ttl)).isFalse();
      assertThat(first.hold(ttl)).as("its holder renews it").isTrue();
      assertThat(firstMeters.get("algotask.reconciler.lease").gauge().value()).isEqualTo(1.0);
      assertThat(second.isHeld()).isFalse();

      Thread.sleep(ttl.toMillis() + 100); // the holder died: nobody renewed it
      assertThat(firstMeters.get("algotask.reconciler.lease").gauge().value())
          .as("a lease not renewed is no longer shown as held")
          .isZero();

      assertThat(second.hold(ttl)).isTrue();
      assertThat(first.hold(ttl)).isFalse();
      assertThat(first.isHeld()).isFalse();
      assertThat(second.isHeld()).isTrue();
    } finally {
      redis.sync().del(properties.keyPrefix() + "reconciler");
    }
  }
}
