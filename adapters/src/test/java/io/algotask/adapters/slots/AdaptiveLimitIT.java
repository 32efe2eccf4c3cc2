package io.algotask.adapters.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.registry.AlgorithmChange;
import io.algotask.adapters.registry.AlgorithmRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Adaptive limits in the slot scripts, against the real Redis: a decrease on congestion, one
 * episode per window, measured by the holders refused in it, never below the minimum; an increase
 * by one per round trip when releases find the slots saturated, granted at once, never above the
 * maximum; and no grant ever beyond the limit in force. Windows are short, and time is Redis's: the
 * waits are real.
 */
@SpringBootTest
class AdaptiveLimitIT {
  private static final Duration HOLD = Duration.ofMinutes(5);
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Duration WINDOW = Duration.ofMillis(400);

  @Autowired SlotSemaphore semaphore;
  @Autowired AlgorithmSlots slots;
  @Autowired AlgorithmRegistry registry;
  @Autowired RedisConnection redis;
  @Autowired JdbcClient jdbc;

  private final String algorithm = "it-adaptive-" + UUID.randomUUID().toString().substring(0, 8);
  private int arrivals;

  @AfterEach
  void deleteTheAlgorithm() {
    jdbc.sql("delete from algorithm where name = :name").param("name", algorithm).update();
    redis.sync().del(semaphore.keys(algorithm).all());
  }

  private static SlotLimit adaptive(int min, int max) {
    return SlotLimit.adaptive(min, max, WINDOW, 0.5);
  }

  private SlotSemaphore.Acquisition acquire(String taskId, SlotLimit limit) {
    return semaphore.acquire(
        new SlotTask(algorithm, taskId),
        SlotSemaphore.NO_TENANT,
        1,
        T0.plusSeconds(arrivals++),
        HOLD,
        limit,
        Map.of());
  }

  private List<HeldSlot> fill(int holders, int waiters, SlotLimit limit) {
    var held = new ArrayList<HeldSlot>();
    for (var i = 0; i < holders + waiters; i++) {
      var taskId = "task-" + arrivals;
      var acquisition = acquire(taskId, limit);
      if (acquisition.granted()) {
        held.add(new SlotTask(algorithm, taskId).holding(acquisition.token()));
      }
    }
    assertThat(held).hasSize(holders);
    return held;
  }

  private int limitNow() {
    return semaphore.limit(algorithm).orElseThrow();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aSignalOtherThanARefusalCutsByTheBackoffOncePerWindowNeverBelowTheMinimum() {
    var limit = adaptive(2, 8);
    var held = fill(8, 2, limit);
    assertThat(limitNow()).as("a new adaptive limit starts at its maximum").isEqualTo(8);

    assertThat(semaphore.congested(algorithm, limit))
        .isEqualTo(new SlotSemaphore.Congestion(4, true));
    for (var i = 0; i < 5; i++) {
      assertThat(semaphore.congested(algorithm, limit))
          .as("one cut per window")
          .isEqualTo(new SlotSemaphore.Congestion(4, false));
    }
    // the holders go down to the new limit: a lowering grants nothing
    for (var slot : held.subList(0, 4)) {
      assertThat(semaphore.release(slot, limit, Map.of()).othersGranted()).isEmpty();
    }
    sleep(WINDOW);
    assertThat(semaphore.congested(algorithm, limit))
        .isEqualTo(new SlotSemaphore.Congestion(2, true));
    for (var slot : held.subList(4, 6)) {
      semaphore.release(slot, limit, Map.of());
    }
    sleep(WINDOW);
    assertThat(semaphore.congested(algorithm, limit))
        .as("never below the minimum")
        .isEqualTo(new SlotSemaphore.Congestion(2, false));
    assertThat(limitNow()).isEqualTo(2);
    assertThat(semaphore.congested(algorithm, SlotLimit.fixed(8)))
        .as("a fixed limit is never cut")
        .isEqualTo(new SlotSemaphore.Congestion(8, false));
  }

  @Test
  void refusalsWithinTheWindowTakeTheLimitDownToTheHoldersTheAlgorithmTook() {
    var limit = SlotLimit.adaptive(2, 64, Duration.ofMinutes(1), 0.9);
    var held = fill(36, 0, limit);
    var refused = held.subList(8, 36);

    assertThat(semaphore.refused(refused.get(0).task(), limit))
        .as("the first signal: the backoff, or the holders not refused if fewer")
        .isEqualTo(new SlotSemaphore.Congestion(35, true));
    for (var slot : refused.subList(1, 28)) {
      semaphore.refused(slot.task(), limit);
    }
    assertThat(limitNow()).as("36 holders, 28 of them refused").isEqualTo(8);
    for (var slot : refused) {
      assertThat(semaphore.refused(slot.task(), limit))
          .as("a holder refused again counts once")
          .isEqualTo(new SlotSemaphore.Congestion(8, false));
    }
    assertThat(semaphore.refused(new SlotTask(algorithm, "not-holding"), limit).cut())
        .as("a task holding no slot is no measure")
        .isFalse();

    // two of the refused are taken on a resend, two of the taken finish: 34 holders, 26 refused
    semaphore.takenAfterRefusal(refused.get(0).task());
    semaphore.takenAfterRefusal(refused.get(1).task());
    semaphore.release(held.get(0), limit, Map.of());
    semaphore.release(held.get(1), limit, Map.of());
    assertThat(semaphore.refused(refused.get(0).task(), limit))
        .as("refused again after being taken: of 34 holders, 27 refused")
        .isEqualTo(new SlotSemaphore.Congestion(7, true));
  }

  @Test
  void outsideTheWindowOfACutARefusalIsANewEpisodeOnlyWithinTheLimit() {
    var limit = adaptive(1, 8);
    var held = fill(8, 0, limit);
    assertThat(semaphore.refused(held.get(7).task(), limit).limit())
        .as("8 x 0.5, fewer than the 7 not refused")
        .isEqualTo(4);
    sleep(WINDOW);
    assertThat(semaphore.refused(held.get(6).task(), limit))
        .as("8 holders over a limit of 4: the echo of what the cut answered")
        .isEqualTo(new SlotSemaphore.Congestion(4, false));
    for (var slot : held.subList(0, 4)) {
      semaphore.release(slot, limit, Map.of());
    }
    assertThat(semaphore.refused(held.get(5).task(), limit))
        .as("within the limit again, a new episode: 4 holders, 3 refused, below the backoff's 2")
        .isEqualTo(new SlotSemaphore.Congestion(1, true));
  }

  @Test
  void aSaturatedReleaseRaisesTheLimitByOnePerRoundTripAfterACalmWindowGrantingAtOnce() {
    var limit = adaptive(1, 3);
    var held = fill(3, 0, limit);
    assertThat(semaphore.congested(algorithm, limit).limit()).isEqualTo(1);
    semaphore.release(held.get(0), limit, Map.of());
    semaphore.release(held.get(1), limit, Map.of());
    var holder = held.get(2);
    fill(0, 9, limit);

    // within the window of the signal: the freed slot goes on, the limit stays
    var release = semaphore.release(holder, limit, Map.of());
    assertThat(release.othersGranted()).hasSize(1);
    assertThat(limitNow()).isEqualTo(1);
    holder = release.othersGranted().get(0);

    sleep(WINDOW);
    release = semaphore.release(holder, limit, Map.of());
    assertThat(limitNow()).as("a round trip at a limit of 1: one release").isEqualTo(2);
    assertThat(release.othersGranted()).as("the freed slot and the new one, at once").hasSize(2);
    assertThat(semaphore.holders(algorithm)).isEqualTo(2);

    release = semaphore.release(release.othersGranted().get(0), limit, Map.of());
    assertThat(limitNow()).as("a round trip at a limit of 2: two releases").isEqualTo(2);
    assertThat(release.othersGranted()).hasSize(1);
    release = semaphore.release(release.othersGranted().get(0), limit, Map.of());
    assertThat(limitNow()).isEqualTo(3);
    assertThat(release.othersGranted()).hasSize(2);
    assertThat(semaphore.holders(algorithm)).isEqualTo(3);

    for (var i = 0; i < 3; i++) {
      release = semaphore.release(release.othersGranted().get(0), limit, Map.of());
    }
    assertThat(limitNow()).as("never above the maximum").isEqualTo(3);
  }

  @Test
  void aReleaseThatFindsFreeSlotsOrNoWaitersRaisesNothing() {
    var limit = adaptive(1, 4);
    var held = fill(4, 0, limit);
    semaphore.congested(algorithm, limit); // 2
    semaphore.release(held.get(0), limit, Map.of());
    semaphore.release(held.get(1), limit, Map.of());
    sleep(WINDOW);

    semaphore.release(held.get(2), limit, Map.of());
    assertThat(limitNow()).as("no task waited").isEqualTo(2);
  }

  @Test
  void theLimitInForceIsNeverExceededByAGrantWhileItMoves() {
    var limit = SlotLimit.adaptive(1, 6, Duration.ofMillis(30), 0.5);
    var random = new Random(7);
    var held = new ArrayList<HeldSlot>();
    var lastLimit = 6;
    for (var step = 0; step < 400; step++) {
      var op = random.nextInt(10);
      List<HeldSlot> granted;
      if (op < 5) {
        var taskId = "task-" + arrivals;
        var acquisition = acquire(taskId, limit);
        granted = new ArrayList<>(acquisition.othersGranted());
        if (acquisition.granted()) {
          granted.add(new SlotTask(algorithm, taskId).holding(acquisition.token()));
        }
      } else if (op < 9 && !held.isEmpty()) {
        granted =
            semaphore
                .release(held.remove(random.nextInt(held.size())), limit, Map.of())
                .othersGranted();
      } else if (held.isEmpty() || random.nextBoolean()) {
        semaphore.congested(algorithm, limit);
        granted = List.of();
      } else {
        semaphore.refused(held.get(random.nextInt(held.size())).task(), limit);
        granted = List.of();
      }
      held.addAll(granted);
      var now = limitNow();
      assertThat(now).isBetween(1, 6);
      assertThat(Math.abs(now - lastLimit) <= 1 || now < lastLimit)
          .as("a raise is one slot at a time")
          .isTrue();
      if (!granted.isEmpty()) {
        assertThat(semaphore.holders(algorithm))
            .as("a grant never goes beyond the limit in force (step %d)", step)
            .isLessThanOrEqualTo(now);
      }
      lastLimit = now;
      if (step % 20 == 0) {
        sleep(Duration.ofMillis(35));
      }
    }
  }

  @Test
  void theRegistryChoosesTheAdaptiveLimitAndACongestionSignalCutsIt() {
    registry.register(
        algorithm,
        new AlgorithmChange(
            URI.create("http://127.0.0.1:9/unused"), null, 10, null, null, null, true, 3, 1, null));
    assertThat(limitNow()).as("applied on registration").isEqualTo(10);

    slots.congested(algorithm, "HTTP 429");

    assertThat(limitNow()).as("cut by the configured backoff, 0.9").isEqualTo(9);
    registry.register(
        algorithm, new AlgorithmChange(null, null, 5, null, null, null, null, null, null, null));
    await().until(() -> limitNow() == 5);
    registry.register(
        algorithm,
        new AlgorithmChange(null, null, null, null, null, null, false, null, null, null));
    assertThat(limitNow()).as("fixed again: the maximum").isEqualTo(5);
  }
}
