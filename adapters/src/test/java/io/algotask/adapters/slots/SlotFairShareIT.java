package io.algotask.adapters.slots;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.registry.AlgorithmChange;
import io.algotask.adapters.registry.AlgorithmRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The weighted fair share between the tenants of one algorithm's slots, against the real Redis:
 * grants split by weight under saturation, a noisy tenant cannot hold back a quiet one, priority
 * and aging still order the tasks of a tenant, an idle tenant banks no credit, and waiters queued
 * by the scripts of an earlier version (no tenant) are still granted. Each test's tasks are named
 * {@code tenant-n}; every test uses an algorithm of its own.
 */
@SpringBootTest
class SlotFairShareIT {
  private static final Logger log = LoggerFactory.getLogger(SlotFairShareIT.class);
  private static final Duration HOLD = Duration.ofMinutes(5);
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Autowired SlotSemaphore semaphore;
  @Autowired AlgorithmSlots slots;
  @Autowired AlgorithmRegistry registry;
  @Autowired RedisConnection redis;
  @Autowired JdbcClient jdbc;

  private final String algorithm = "it-fair-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> tenantsUsed = new ArrayList<>(List.of(SlotSemaphore.NO_TENANT));
  private Map<String, Integer> weights = Map.of();

  /** The slots held now, oldest first: each release frees the oldest. */
  private final Deque<HeldSlot> holders = new ArrayDeque<>();

  @AfterEach
  void deleteTheAlgorithm() {
    jdbc.sql("delete from algorithm where name = :name").param("name", algorithm).update();
    var keys = semaphore.keys(algorithm);
    redis.sync().del(keys.all());
    redis.sync().del(tenantsUsed.stream().map(keys::queueOf).toArray(String[]::new));
  }

  private SlotSemaphore.Acquisition acquire(
      String tenant, String taskId, int priority, Instant arrival, int limit) {
    if (!tenantsUsed.contains(tenant)) {
      tenantsUsed.add(tenant);
    }
    var answer =
        semaphore.acquire(
            new SlotTask(algorithm, taskId),
            tenant,
            priority,
            arrival,
            HOLD,
            SlotLimit.fixed(limit),
            weights);
    if (answer.granted()) {
      holders.add(new SlotTask(algorithm, taskId).holding(answer.token()));
    }
    holders.addAll(answer.othersGranted());
    return answer;
  }

  /** Queues n tasks of the tenant ({@code tenant-0}, ...), a second apart from the arrival on. */
  private void queue(String tenant, int n, int priority, Instant from, int limit) {
    for (int i = 0; i < n; i++) {
      var answer = acquire(tenant, tenant + "-" + i, priority, from.plusSeconds(i), limit);
      assertThat(answer.granted()).as("%s-%d waits", tenant, i).isFalse();
    }
  }

  /** Frees the oldest slot n times; returns the tasks granted, in order. */
  private List<String> releaseOldest(int n, int limit) {
    var granted = new ArrayList<String>();
    for (int i = 0; i < n; i++) {
      var grants =
          semaphore.release(holders.poll(), SlotLimit.fixed(limit), weights).othersGranted();
      assertThat(grants).as("the freed slot goes on").hasSize(1);
      holders.addAll(grants);
      granted.add(grants.get(0).taskId());
    }
    return granted;
  }

  private static String tenantOf(String taskId) {
    return taskId.substring(0, taskId.indexOf('-'));
  }

  private static long grantsOf(String tenant, List<String> granted) {
    return granted.stream().filter(id -> tenantOf(id).equals(tenant)).count();
  }

  /** Fills the slots with tasks of a tenant that queues nothing else. */
  private void fill(int limit) {
    for (int i = 0; i < limit; i++) {
      assertThat(acquire("holder", "holder-" + i, 1, T0, limit).granted()).isTrue();
    }
  }

  @Test
  void weightsOfThreeToOneSplitTheGrantsThreeToOneUnderSaturation() {
    weights = Map.of("heavy", 3);
    fill(4);
    // both tenants queue more than the run grants, the light one first and more urgent
    queue("light", 300, 1, T0, 4);
    queue("heavy", 300, 3, T0.plusSeconds(600), 4);

    var granted = releaseOldest(400, 4);

    var heavy = grantsOf("heavy", granted);
    var light = grantsOf("light", granted);
    log.info("weights 3:1 under saturation, 400 grants: heavy {}, light {}", heavy, light);
    assertThat(heavy).as("three quarters of 400 grants, within one task").isBetween(299L, 301L);
    assertThat(light).as("a quarter of 400 grants, within one task").isBetween(99L, 101L);
    for (int prefix = 1; prefix <= granted.size(); prefix++) {
      var first = granted.subList(0, prefix);
      assertThat(Math.abs(grantsOf("heavy", first) - 3 * grantsOf("light", first)))
          .as("within one task of 3:1 after %d grants", prefix)
          .isLessThanOrEqualTo(4);
    }
  }

  @Test
  void theRegistrysWeightsReachTheScriptsThroughAlgorithmSlots() {
    registry.register(
        algorithm,
        new AlgorithmChange(
            URI.create("http://127.0.0.1:9/unused"),
            null,
            1,
            null,
            null,
            null,
            null,
            null,
            null,
            Map.of("heavy", 3)));
    var first = slots.acquire(new SlotTask(algorithm, "holder-0"), "holder", 1, T0, HOLD);
    assertThat(first.granted()).isTrue();
    for (int i = 0; i < 20; i++) {
      for (var tenant : List.of("light", "heavy")) {
        var waiting =
            slots.acquire(
                new SlotTask(algorithm, tenant + "-" + i), tenant, 1, T0.plusSeconds(i), HOLD);
        assertThat(waiting.granted()).isFalse();
        assertThat(waiting.position()).as("its place among its tenant's tasks").isEqualTo(i);
      }
    }
    tenantsUsed.addAll(List.of("holder", "light", "heavy"));
    var order = new ArrayList<String>();
    for (int i = 0; i < 16; i++) {
      // the grants are signalled to workflows that do not exist: logged, and they stand
      var holder = semaphore.inspect(algorithm, Duration.ofHours(1)).holders().get(0);
      assertThat(slots.release(holder)).isTrue();
      order.add(semaphore.inspect(algorithm, Duration.ofHours(1)).holders().get(0).taskId());
    }
    log.info("registry weights heavy 3, light 1: grants {}", order);
    assertThat(grantsOf("heavy", order)).as("12 of 16 grants").isBetween(11L, 13L);
    assertThat(grantsOf("light", order)).as("4 of 16 grants").isBetween(3L, 5L);
  }

  @Test
  void aNoisyTenantWithTenTimesTheWaitersCannotDelayAQuietTenantBeyondItsShare() {
    fill(2);
    // the noisy tenant's 100 tasks are all earlier and more urgent than the quiet tenant's 10
    queue("noisy", 100, 1, T0, 2);
    queue("quiet", 10, 5, T0.plusSeconds(3600), 2);
    assertThat(semaphore.position(new SlotTask(algorithm, "quiet-0")))
        .as("next of its tenant")
        .hasValue(0);

    var granted = releaseOldest(40, 2);

    var quiet = new ArrayList<Integer>();
    for (int i = 0; i < granted.size(); i++) {
      if (tenantOf(granted.get(i)).equals("quiet")) {
        quiet.add(i);
      }
    }
    log.info("quiet tenant's 10 tasks granted at grants {} of 40 (noisy: 100 waiting)", quiet);
    assertThat(quiet).as("all ten quiet tasks within the first 21 grants").hasSize(10);
    for (int k = 0; k < quiet.size(); k++) {
      assertThat(quiet.get(k))
          .as("the quiet tenant's task %d waits for at most one noisy grant per quiet grant", k)
          .isLessThanOrEqualTo(2 * k + 1);
    }
    assertThat(granted.subList(21, 40)).allMatch(id -> tenantOf(id).equals("noisy"));
  }

  @Test
  void priorityAndAgingStillOrderTheTasksOfATenant() {
    fill(1);
    var step = Duration.ofMinutes(1); // the default algotask.slots.priority-step
    record Queued(String id, int priority, Instant arrival) {}
    var a =
        List.of(
            new Queued("a-late-urgent", 1, T0.plusSeconds(50)),
            new Queued("a-early-lax", 5, T0),
            new Queued("a-mid", 3, T0.plusSeconds(20)),
            new Queued("a-aged", 5, T0.minus(step.multipliedBy(10))),
            new Queued("a-later-urgent", 1, T0.plusSeconds(70)));
    var b = new ArrayList<Queued>();
    for (int i = 0; i < 5; i++) {
      b.add(new Queued("b-" + i, 1 + i, T0.plusSeconds(i)));
    }
    // arrivals in an order of their own, the tenants mixed
    Stream.of(a.get(0), b.get(3), a.get(1), b.get(0), a.get(2), b.get(4), a.get(3), b.get(1))
        .forEach(q -> acquire(tenantOf(q.id()), q.id(), q.priority(), q.arrival(), 1));
    acquire("a", a.get(4).id(), a.get(4).priority(), a.get(4).arrival(), 1);
    acquire("b", b.get(2).id(), b.get(2).priority(), b.get(2).arrival(), 1);

    var granted = releaseOldest(10, 1);

    var scoreOf = new HashMap<String, Long>();
    Stream.concat(a.stream(), b.stream())
        .forEach(q -> scoreOf.put(q.id(), semaphore.queueScore(q.priority(), q.arrival())));
    for (var tenant : List.of("a", "b")) {
      var ofTenant = granted.stream().filter(id -> tenantOf(id).equals(tenant)).toList();
      assertThat(ofTenant)
          .as("the tasks of %s in their aged priority order", tenant)
          .isSortedAccordingTo(Comparator.comparing(scoreOf::get));
    }
    assertThat(granted.stream().filter(id -> tenantOf(id).equals("a")))
        .as("a less urgent task that waited long enough goes first")
        .containsExactly("a-aged", "a-late-urgent", "a-later-urgent", "a-mid", "a-early-lax");
    assertThat(granted.stream().map(SlotFairShareIT::tenantOf).toList())
        .as("the tenants take turns")
        .containsExactly("a", "b", "a", "b", "a", "b", "a", "b", "a", "b");
  }

  @Test
  void anIdleTenantBanksNoCredit() {
    fill(1);
    queue("busy", 60, 1, T0, 1);
    var alone = releaseOldest(30, 1);
    assertThat(alone).allMatch(id -> tenantOf(id).equals("busy"));

    // after 30 grants to the busy tenant alone, the newcomer shares from now on: no catching up
    queue("newcomer", 20, 1, T0, 1);
    var shared = releaseOldest(20, 1);

    log.info("after 30 grants to one tenant, the next 20 with a newcomer: {}", shared);
    assertThat(grantsOf("newcomer", shared))
        .as("half of the grants, within one")
        .isBetween(9L, 11L);
    assertThat(grantsOf("busy", shared)).isBetween(9L, 11L);
  }

  @Test
  void aTaskLeavingTheQueueKeepsItsTenantsTurnAndItsCount() {
    fill(1);
    queue("a", 3, 1, T0, 1);
    queue("b", 3, 1, T0, 1);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(6);

    assertThat(semaphore.leave(new SlotTask(algorithm, "a-0"), SlotLimit.fixed(1), weights).kind())
        .isEqualTo(SlotSemaphore.Departure.Kind.LEFT);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(5);
    assertThat(semaphore.position(new SlotTask(algorithm, "a-1"))).hasValue(0);
    assertThat(semaphore.position(new SlotTask(algorithm, "b-2"))).hasValue(2);

    assertThat(releaseOldest(5, 1)).containsExactly("a-1", "b-0", "a-2", "b-1", "b-2");
    assertThat(semaphore.waiters(algorithm)).isZero();
    assertThat(redis.sync().hlen(semaphore.keys(algorithm).tenantOf())).isZero();
    assertThat(redis.sync().zcard(semaphore.keys(algorithm).backlog())).isZero();
  }

  @Test
  void waitersQueuedByAnEarlierVersionAreGrantedAsTheTenantlessQueue() {
    var keys = semaphore.keys(algorithm);
    fill(1);
    // what the earlier acquire script left of three waiters: the queue and their leases only
    for (int i = 0; i < 3; i++) {
      var score = semaphore.queueScore(3, T0.plusSeconds(i)); // ahead of the new tenant's
      redis.sync().zadd(keys.waiters(), (double) score, "old-" + i);
      redis.sync().hset(keys.leases(), "old-" + i, "420000");
    }
    queue("new", 3, 1, T0.plusSeconds(3600), 1);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(6);
    assertThat(semaphore.position(new SlotTask(algorithm, "old-1")))
        .as("an untracked waiter's place in the whole queue")
        .hasValue(1);
    // one of them asks again, now with its tenant: it keeps its score, in its tenant's queue
    assertThat(acquire("acme", "old-2", 1, T0.plusSeconds(999), 1).position()).isZero();
    assertThat(redis.sync().zscore(keys.queueOf("acme"), "old-2"))
        .isEqualTo((double) semaphore.queueScore(3, T0.plusSeconds(2)));

    var granted = releaseOldest(6, 1);

    assertThat(granted)
        .as("each queue in its order, the three tenants in turn")
        .containsExactlyInAnyOrder("old-0", "old-1", "old-2", "new-0", "new-1", "new-2");
    assertThat(granted.stream().filter(id -> id.startsWith("old-") && !id.equals("old-2")))
        .containsExactly("old-0", "old-1");
    assertThat(granted.subList(0, 3))
        .as("one grant for each tenant first")
        .containsExactlyInAnyOrder("old-0", "old-2", "new-0");
    assertThat(redis.sync().hlen(keys.leases())).as("every lease taken with its grant").isZero();
    assertThat(semaphore.waiters(algorithm)).isZero();
    assertThat(redis.sync().hlen(keys.tenantOf())).isZero();
  }

  @Test
  void aWaiterTakenOutByAnEarlierVersionIsSkippedAndForgotten() {
    var keys = semaphore.keys(algorithm);
    fill(1);
    queue("a", 2, 1, T0, 1);
    queue("b", 2, 1, T0.plusSeconds(10), 1);
    // an earlier release script beside this one takes the head of the whole queue
    assertThat(redis.sync().zpopmin(keys.waiters()).getValue()).isEqualTo("a-0");

    var granted = releaseOldest(3, 1);

    assertThat(granted).containsExactly("a-1", "b-0", "b-1");
    assertThat(redis.sync().hlen(keys.tenantOf())).isZero();
    assertThat(redis.sync().zcard(keys.backlog())).isZero();
  }
}
