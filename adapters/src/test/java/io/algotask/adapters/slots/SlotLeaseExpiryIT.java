package io.algotask.adapters.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.redis.RedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** Leases that run out, with no margin added so that a lease lasts exactly its hold. */
@SpringBootTest(properties = "algotask.slots.lease-margin=0s")
class SlotLeaseExpiryIT {
  private static final Duration SHORT_HOLD = Duration.ofSeconds(1);
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Autowired SlotSemaphore semaphore;
  @Autowired SlotProperties properties;
  @Autowired RedisConnection redis;

  private final String algorithm = "it-" + UUID.randomUUID();

  @AfterEach
  void deleteTheAlgorithmsKeys() {
    var prefix = properties.keyPrefix() + "{" + algorithm + "}:";
    redis
        .sync()
        .del(
            prefix + "holders",
            prefix + "tokens",
            prefix + "waiters",
            prefix + "leases",
            prefix + "state");
  }

  @Test
  void theLeaseMarginIsOffForThisTest() {
    assertThat(properties.leaseMargin()).isZero();
  }

  @Test
  void anExpiredLeaseIsDroppedSoThatTheNextAcquireGetsTheSlot() throws Exception {
    var forgotten = semaphore.acquire(new SlotTask(algorithm, "forgotten"), 3, T0, SHORT_HOLD, 1);
    assertThat(forgotten.granted()).isTrue();
    var next =
        semaphore.acquire(
            new SlotTask(algorithm, "next"), 3, T0.plusSeconds(1), Duration.ofMinutes(5), 1);
    assertThat(next.granted()).as("the lease of 'forgotten' still runs").isFalse();

    // asking again keeps its place; once the lease has run out the slot is its own
    next =
        await("granted once the old lease expired")
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(20))
            .until(
                () ->
                    semaphore.acquire(
                        new SlotTask(algorithm, "next"),
                        3,
                        T0.plusSeconds(1),
                        Duration.ofMinutes(5),
                        1),
                SlotSemaphore.Acquisition::granted);

    assertThat(next.token()).isNotEqualTo(forgotten.token());
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isZero();
    // the holder whose lease ran out frees nothing with its old token, and has to queue again
    assertThat(
            semaphore
                .release(new SlotTask(algorithm, "forgotten").holding(forgotten.token()), 1)
                .freed())
        .isFalse();
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    var again = semaphore.acquire(new SlotTask(algorithm, "forgotten"), 3, T0, SHORT_HOLD, 1);
    assertThat(again.granted()).isFalse();
    assertThat(again.position()).isZero();
  }

  @Test
  void anExpiredLeaseIsHandedToTheHeadOfTheQueueOnRelease() throws Exception {
    var forgotten = semaphore.acquire(new SlotTask(algorithm, "forgotten"), 3, T0, SHORT_HOLD, 1);
    assertThat(forgotten.granted()).isTrue();
    var waiter =
        semaphore.acquire(new SlotTask(algorithm, "waiter"), 3, T0, Duration.ofMinutes(5), 1);
    assertThat(waiter.granted()).isFalse();

    // an unrelated release (wrong token) is enough to sweep the expired lease
    var grants =
        await("the expired lease swept by a release")
            .atMost(Duration.ofSeconds(10))
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(20))
            .until(
                () ->
                    semaphore
                        .release(new SlotTask(algorithm, "other").holding("x:1"), 1)
                        .othersGranted(),
                granted -> !granted.isEmpty());

    assertThat(grants).extracting(HeldSlot::taskId).containsExactly("waiter");
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isZero();
  }
}
