package io.algotask.adapters.slots;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.registry.AlgorithmChange;
import io.algotask.adapters.registry.AlgorithmRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A limit changed through the registry reaches the semaphore before the registration returns: a
 * raise hands the new slots to waiting tasks at once, a lowering interrupts nobody. The grants are
 * signalled to task workflows that do not exist; AlgorithmSlots logs that, and the grants stand.
 */
@SpringBootTest
class SlotLimitChangeIT {
  private static final Duration HOLD = Duration.ofMinutes(5);
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Autowired AlgorithmRegistry registry;
  @Autowired AlgorithmSlots slots;
  @Autowired SlotSemaphore semaphore;
  @Autowired RedisConnection redis;
  @Autowired JdbcClient jdbc;

  private final String algorithm = "it-limit-" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void deleteTheAlgorithm() {
    jdbc.sql("delete from algorithm where name = :name").param("name", algorithm).update();
    redis.sync().del(semaphore.keys(algorithm).all());
  }

  private void limit(int maxConcurrency) {
    registry.register(
        algorithm,
        new AlgorithmChange(
            URI.create("http://127.0.0.1:9/unused"), null, maxConcurrency, null, null, null));
  }

  private SlotSemaphore.Acquisition acquire(String taskId, int secondsAfterT0) {
    return slots.acquire(
        new SlotTask(algorithm, "it-" + taskId), null, 3, T0.plusSeconds(secondsAfterT0), HOLD);
  }

  @Test
  void aRaisedLimitGrantsTheWaitersBeforeTheRegistrationReturns() {
    limit(1);
    assertThat(semaphore.limit(algorithm)).as("applied on registration").hasValue(1);
    var holder = acquire("holder", 0);
    var first = acquire("first", 1);
    var second = acquire("second", 2);
    assertThat(holder.granted()).isTrue();
    assertThat(first.granted()).isFalse();
    assertThat(second.granted()).isFalse();
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(2);

    limit(3);

    assertThat(semaphore.limit(algorithm)).isEqualTo(OptionalInt.of(3));
    assertThat(semaphore.holders(algorithm)).isEqualTo(3);
    assertThat(semaphore.waiters(algorithm)).isZero();
    assertThat(semaphore.position(new SlotTask(algorithm, "it-first"))).isEmpty();
    // each waiter holds the slot it was granted: asking again, it gets a token at once
    assertThat(acquire("first", 1).granted()).isTrue();
    assertThat(acquire("second", 2).granted()).isTrue();
    assertThat(semaphore.holders(algorithm)).isEqualTo(3);
  }

  @Test
  void aLoweredLimitInterruptsNobodyAndHandsOnNoFreedSlotAboveIt() {
    limit(3);
    var a = acquire("a", 0);
    var b = acquire("b", 1);
    acquire("c", 2);
    var waiting = acquire("d", 3);
    assertThat(waiting.granted()).isFalse();

    limit(1);

    assertThat(semaphore.limit(algorithm)).hasValue(1);
    assertThat(semaphore.holders(algorithm)).as("nobody loses a slot").isEqualTo(3);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(1);
    // two slots freed while three are held against a limit of one: the waiter still waits
    assertThat(slots.release(new SlotTask(algorithm, "it-a").holding(a.token()))).isTrue();
    assertThat(slots.release(new SlotTask(algorithm, "it-b").holding(b.token()))).isTrue();
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(1);
    assertThat(semaphore.position(new SlotTask(algorithm, "it-d"))).hasValue(0);
  }
}
