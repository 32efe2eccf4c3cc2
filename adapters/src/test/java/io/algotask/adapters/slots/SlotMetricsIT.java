package io.algotask.adapters.slots;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.redis.RedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(
    properties = {
      "algotask.algorithms." + SlotMetricsIT.ALGORITHM + ".endpoint=http://127.0.0.1:9/unused",
      "algotask.algorithms." + SlotMetricsIT.ALGORITHM + ".max-concurrency=2"
    })
class SlotMetricsIT {
  static final String ALGORITHM = "metrics-it";

  @Autowired SlotSemaphore semaphore;
  @Autowired MeterRegistry meters;
  @Autowired RedisConnection redis;

  @AfterEach
  void forgetTheAlgorithmsSlots() {
    var keys = redis.sync().keys("algotask:slots:{" + ALGORITHM + "}:*");
    if (!keys.isEmpty()) {
      redis.sync().del(keys.toArray(String[]::new));
    }
  }

  private double gauge(String name) {
    return meters.get(name).tag("algorithm", ALGORITHM).gauge().value();
  }

  @Test
  void gaugesShowSlotsInUseTheLimitAndTheTasksWaiting() {
    forgetTheAlgorithmsSlots();
    for (var task : new String[] {"a", "b", "c"}) {
      semaphore.acquire(new SlotTask(ALGORITHM, task), 3, Instant.now(), Duration.ofMinutes(1), 2);
    }

    assertThat(gauge("algotask.slots.in.use")).isEqualTo(2);
    assertThat(gauge("algotask.slots.waiting")).isEqualTo(1);
    assertThat(gauge("algotask.slots.limit")).isEqualTo(2);
  }
}
