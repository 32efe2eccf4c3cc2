package io.algotask.adapters.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.slots.SlotSemaphore.Departure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The semaphore's scripts against the real Redis. Every test uses an algorithm of its own, so tests
 * never share keys.
 */
@SpringBootTest
class SlotSemaphoreIT {
  private static final Duration HOLD = Duration.ofMinutes(5);
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final String TOKEN = "[0-9a-f]+:[0-9]+";

  @Autowired SlotSemaphore semaphore;
  @Autowired RedisConnection redis;

  private final String algorithm = "it-" + UUID.randomUUID();

  @AfterEach
  void deleteTheAlgorithmsKeys() {
    redis.sync().del(semaphore.keys(algorithm).all());
  }

  private SlotSemaphore.Acquisition acquire(String taskId, int limit) {
    return acquire(taskId, 3, T0, limit);
  }

  private SlotSemaphore.Acquisition acquire(
      String taskId, int priority, Instant arrival, int limit) {
    return semaphore.acquire(new SlotTask(algorithm, taskId), priority, arrival, HOLD, limit);
  }

  /** Takes the slot and asserts that it was free. */
  private String holdSlot(String taskId, int limit) {
    var acquisition = acquire(taskId, limit);
    assertThat(acquisition.granted()).as("%s gets a free slot", taskId).isTrue();
    return acquisition.token();
  }

  /** Joins the queue and asserts it had to. */
  private void waitInQueue(String taskId, Instant arrival, int limit) {
    var acquisition = acquire(taskId, 3, arrival, limit);
    assertThat(acquisition.granted()).as("%s has to wait", taskId).isFalse();
  }

  private static long epochMillisOf(String token) {
    return Long.parseLong(token.substring(0, token.indexOf(':')), 16);
  }

  @Test
  void grantsSlotsUpToTheLimitThenQueuesInArrivalOrder() {
    var a = acquire("a", 1, T0, 2);
    var b = acquire("b", 1, T0.plusSeconds(1), 2);
    var c = acquire("c", 1, T0.plusSeconds(2), 2);
    var d = acquire("d", 1, T0.plusSeconds(3), 2);

    assertThat(a.granted()).isTrue();
    assertThat(b.granted()).isTrue();
    assertThat(a.token()).matches(TOKEN).isNotEqualTo(b.token());
    assertThat(b.token()).matches(TOKEN);
    assertThat(a.position()).isEqualTo(-1);
    assertThat(c.granted()).isFalse();
    assertThat(c.token()).isNull();
    assertThat(c.position()).isZero();
    assertThat(d.granted()).isFalse();
    assertThat(d.position()).isEqualTo(1);
    assertThat(semaphore.holders(algorithm)).isEqualTo(2);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(2);
  }

  @Test
  void aTaskGrantedAtOnceIsNotReportedAsAGrantToOthers() {
    var immediate = acquire("immediate", 1);
    var queued = acquire("queued", 1);

    assertThat(immediate.granted()).isTrue();
    // othersGranted is who the caller must wake with a signal: never the caller itself
    assertThat(immediate.othersGranted()).extracting(HeldSlot::taskId).doesNotContain("immediate");
    assertThat(immediate.othersGranted()).isEmpty();
    assertThat(queued.othersGranted()).isEmpty();
  }

  @Test
  void releaseWithTheRightTokenHandsTheSlotToTheNextWaiterAndReturnsExactlyThatGrant() {
    var tokenA = holdSlot("a", 1);
    waitInQueue("b", T0.plusSeconds(1), 1);
    waitInQueue("c", T0.plusSeconds(2), 1);

    var grants = semaphore.release(new SlotTask(algorithm, "a").holding(tokenA), 1).othersGranted();

    assertThat(grants).hasSize(1);
    var grant = grants.get(0);
    assertThat(grant.taskId()).isEqualTo("b");
    assertThat(grant.token()).matches(TOKEN).isNotEqualTo(tokenA);
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(1);
    // b holds the very slot it was told about; c moved up to the head of the queue
    assertThat(acquire("b", 3, T0.plusSeconds(1), 1).token()).isEqualTo(grant.token());
    assertThat(acquire("c", 3, T0.plusSeconds(2), 1).position()).isZero();
    // a is gone: asking again, it queues behind c
    assertThat(acquire("a", 3, T0.plusSeconds(3), 1).position()).isEqualTo(1);
  }

  @Test
  void releaseWithAWrongTokenFreesNothingAndGrantsNothing() {
    var tokenA = holdSlot("a", 1);
    waitInQueue("b", T0.plusSeconds(1), 1);

    assertThat(
            semaphore.release(new SlotTask(algorithm, "a").holding("forged:1"), 1).othersGranted())
        .isEmpty();
    assertThat(semaphore.release(new SlotTask(algorithm, "a").holding(""), 1).othersGranted())
        .isEmpty();
    // a's token does not free a slot for a task that does not hold it
    assertThat(semaphore.release(new SlotTask(algorithm, "b").holding(tokenA), 1).othersGranted())
        .isEmpty();

    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(1);
    assertThat(acquire("a", 1).token()).isEqualTo(tokenA);
  }

  @Test
  void aLateReleaseWithAStaleTokenNeverFreesTheSameTasksNewerSlot() {
    var firstTokenOfA = holdSlot("a", 1);
    waitInQueue("b", T0.plusSeconds(1), 1);
    var toB =
        semaphore.release(new SlotTask(algorithm, "a").holding(firstTokenOfA), 1).othersGranted();
    assertThat(toB).extracting(HeldSlot::taskId).containsExactly("b");
    // a's next attempt queues behind b, then gets a slot of its own
    waitInQueue("a", T0, 1);
    var toA =
        semaphore
            .release(new SlotTask(algorithm, "b").holding(toB.get(0).token()), 1)
            .othersGranted();
    assertThat(toA).extracting(HeldSlot::taskId).containsExactly("a");
    var secondTokenOfA = toA.get(0).token();
    assertThat(secondTokenOfA).isNotEqualTo(firstTokenOfA);
    waitInQueue("c", T0.plusSeconds(2), 1);

    // the first attempt's release, arriving late, must not free the second attempt's slot
    assertThat(
            semaphore
                .release(new SlotTask(algorithm, "a").holding(firstTokenOfA), 1)
                .othersGranted())
        .isEmpty();

    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(1);
    assertThat(acquire("a", 1).token()).isEqualTo(secondTokenOfA);
  }

  @Test
  void aRepeatedReleaseIsHarmless() {
    var tokenA = holdSlot("a", 1);
    waitInQueue("b", T0.plusSeconds(1), 1);
    waitInQueue("c", T0.plusSeconds(2), 1);

    var first = semaphore.release(new SlotTask(algorithm, "a").holding(tokenA), 1).othersGranted();
    var second = semaphore.release(new SlotTask(algorithm, "a").holding(tokenA), 1).othersGranted();

    assertThat(first).extracting(HeldSlot::taskId).containsExactly("b");
    assertThat(second).isEmpty();
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(1);
    assertThat(acquire("b", 3, T0.plusSeconds(1), 1).token()).isEqualTo(first.get(0).token());
  }

  @Test
  void aMoreUrgentWaiterGoesBeforeAnEarlierLessUrgentOne() {
    var holderToken = holdSlot("holder", 1);
    var routine = acquire("routine", 3, T0, 1);
    // two priority levels are worth two minutes of waiting (the default step is one minute)
    var urgent = acquire("urgent", 1, T0.plus(Duration.ofSeconds(110)), 1);

    assertThat(routine.position()).isZero();
    assertThat(urgent.position()).as("priority 1 jumps ahead of priority 3").isZero();
    assertThat(acquire("routine", 3, T0, 1).position()).isEqualTo(1);

    var grants =
        semaphore
            .release(new SlotTask(algorithm, "holder").holding(holderToken), 1)
            .othersGranted();

    assertThat(grants).extracting(HeldSlot::taskId).containsExactly("urgent");
  }

  @Test
  void aHolderClaimingWithItsTokenRenewsItsLeaseAndNobodyElseDoes() {
    var token = holdSlot("holder", 1);
    var epoch = token.substring(0, token.indexOf(':'));
    var holders = "algotask:slots:{" + algorithm + "}:holders";
    var before = redis.sync().zscore(holders, "holder");

    var claim =
        semaphore.claim(new SlotTask(algorithm, "holder").holding(token), Duration.ofHours(3));
    assertThat(claim.kind()).isEqualTo(SlotSemaphore.Claim.Kind.HELD);
    assertThat(claim.sinceHandOff()).as("granted at once, not handed on").isNull();
    var renewed = redis.sync().zscore(holders, "holder");
    assertThat(renewed - before).isGreaterThan(Duration.ofHours(2).toMillis());

    var sameEpoch = epoch + ":999999";
    assertThat(
            semaphore
                .claim(new SlotTask(algorithm, "holder").holding(sameEpoch), Duration.ofDays(3))
                .kind())
        .isEqualTo(SlotSemaphore.Claim.Kind.LOST);
    assertThat(
            semaphore
                .claim(new SlotTask(algorithm, "stranger").holding(sameEpoch), Duration.ofDays(3))
                .kind())
        .isEqualTo(SlotSemaphore.Claim.Kind.LOST);
    assertThat(redis.sync().zscore(holders, "holder")).isEqualTo(renewed);
    assertThat(redis.sync().zscore(holders, "stranger")).as("a lost claim adds no holder").isNull();
  }

  @Test
  void aClaimOfAHandedOnSlotMeasuresTheHandOffAndEndsTheGrant() {
    var holderToken = holdSlot("holder", 1);
    waitInQueue("next", T0, 1);
    var grant =
        semaphore
            .release(new SlotTask(algorithm, "holder").holding(holderToken), 1)
            .othersGranted()
            .get(0);
    assertThat(semaphore.inspect(algorithm, Duration.ZERO).unclaimed())
        .extracting(HeldSlot::taskId)
        .containsExactly("next");

    var claim =
        semaphore.claim(
            new SlotTask(algorithm, "next").holding(grant.token()), Duration.ofMinutes(1));

    assertThat(claim.kind()).isEqualTo(SlotSemaphore.Claim.Kind.HELD);
    assertThat(claim.sinceHandOff()).isNotNull().isLessThan(Duration.ofSeconds(5));
    assertThat(semaphore.inspect(algorithm, Duration.ZERO).unclaimed()).isEmpty();
  }

  @Test
  void aHeldSlotedBeforeRedisLostItsStateIsAdoptedByItsClaimEvenOutOfTheQueue() {
    var oldToken = holdSlot("runner", 1);
    deleteTheAlgorithmsKeys(); // Redis lost everything
    while (redisMillis() <= epochMillisOf(oldToken)) { // the next epoch is a later millisecond
      Thread.onSpinWait();
    }
    waitInQueue("runner", T0, 0); // the records put the task back as a waiter

    var claim =
        semaphore.claim(new SlotTask(algorithm, "runner").holding(oldToken), Duration.ofMinutes(1));

    assertThat(claim.kind()).isEqualTo(SlotSemaphore.Claim.Kind.ADOPTED);
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isZero();
    assertThat(semaphore.release(new SlotTask(algorithm, "runner").holding(oldToken), 1).freed())
        .isTrue();
  }

  @Test
  void aLessUrgentTaskThatHasWaitedLongEnoughIsNotOvertakenAnyMore() {
    var holderToken = holdSlot("holder", 1);
    acquire("patient", 5, T0, 1);
    // four levels are worth four minutes: later priority-1 arrivals queue behind it
    var urgentButLate = acquire("urgent-but-late", 1, T0.plus(Duration.ofMinutes(5)), 1);
    var urgentInTime = acquire("urgent-in-time", 1, T0.plus(Duration.ofMinutes(3)), 1);

    assertThat(urgentButLate.position()).isEqualTo(1);
    assertThat(urgentInTime.position()).isZero();
    var first =
        semaphore
            .release(new SlotTask(algorithm, "holder").holding(holderToken), 1)
            .othersGranted();
    var second = semaphore.release(first.get(0), 1).othersGranted();
    assertThat(List.of(first.get(0).taskId(), second.get(0).taskId()))
        .containsExactly("urgent-in-time", "patient");
  }

  @Test
  void withinAPriorityTheEarlierArrivalGoesFirstWhateverTheOrderOfTheCalls() {
    var holderToken = holdSlot("holder", 1);
    var late = acquire("late", 2, T0.plusSeconds(10), 1);
    var early = acquire("early", 2, T0, 1);

    assertThat(late.position()).isZero();
    assertThat(early.position()).isZero();

    var first =
        semaphore
            .release(new SlotTask(algorithm, "holder").holding(holderToken), 1)
            .othersGranted();
    assertThat(first).extracting(HeldSlot::taskId).containsExactly("early");
    var second =
        semaphore
            .release(new SlotTask(algorithm, "early").holding(first.get(0).token()), 1)
            .othersGranted();
    assertThat(second).extracting(HeldSlot::taskId).containsExactly("late");
  }

  @Test
  void aWaiterAskingAgainKeepsItsPlace() {
    holdSlot("holder", 1);
    waitInQueue("first", T0, 1);
    waitInQueue("second", T0.plusSeconds(1), 1);

    var again = acquire("first", 3, T0, 1);
    // a retried request carrying a later arrival does not move it back either
    var laterArrival = acquire("first", 3, T0.plusSeconds(60), 1);

    assertThat(again.granted()).isFalse();
    assertThat(again.position()).isZero();
    assertThat(laterArrival.position()).isZero();
    assertThat(semaphore.waiters(algorithm)).isEqualTo(2);
    assertThat(acquire("second", 3, T0.plusSeconds(1), 1).position()).isEqualTo(1);
  }

  @Test
  void aHolderAskingAgainKeepsItsSlotAndTokenWithARenewedLease() {
    var token = holdSlot("a", 1);
    var holdersKey = semaphore.keys(algorithm).holders();
    var leaseBefore = redis.sync().zscore(holdersKey, "a");

    var again = semaphore.acquire(new SlotTask(algorithm, "a"), 3, T0, HOLD.multipliedBy(10), 1);

    assertThat(again.granted()).isTrue();
    assertThat(again.token()).isEqualTo(token);
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isZero();
    assertThat(redis.sync().zscore(holdersKey, "a"))
        .as("lease expiry moved out by the longer hold")
        .isGreaterThan(leaseBefore + HOLD.toMillis());
    // still exactly one slot: the next task waits
    assertThat(acquire("b", 1).position()).isZero();
  }

  @Test
  void aWaiterThatLeavesIsGoneFromTheQueue() {
    holdSlot("holder", 1);
    waitInQueue("w", T0, 1);
    waitInQueue("behind", T0.plusSeconds(1), 1);

    var departure = semaphore.leave(new SlotTask(algorithm, "w"), 1);

    assertThat(departure.kind()).isEqualTo(Departure.Kind.LEFT);
    assertThat(departure.othersGranted()).isEmpty();
    assertThat(semaphore.waiters(algorithm)).isEqualTo(1);
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(acquire("behind", 3, T0.plusSeconds(1), 1).position()).isZero();
    assertThat(semaphore.leave(new SlotTask(algorithm, "w"), 1).kind())
        .isEqualTo(Departure.Kind.ABSENT);
  }

  @Test
  void aTaskGrantedButNotYetClaimedGivesTheSlotBackToTheNextWaiterWhenItLeaves() {
    var holderToken = holdSlot("holder", 1);
    waitInQueue("granted", T0, 1);
    waitInQueue("next", T0.plusSeconds(1), 1);
    // the grant is made, but suppose its signal never reached the task, which then times out
    assertThat(
            semaphore
                .release(new SlotTask(algorithm, "holder").holding(holderToken), 1)
                .othersGranted())
        .extracting(HeldSlot::taskId)
        .containsExactly("granted");

    var departure = semaphore.leave(new SlotTask(algorithm, "granted"), 1);

    assertThat(departure.kind()).isEqualTo(Departure.Kind.GAVE_BACK);
    assertThat(departure.othersGranted()).hasSize(1);
    assertThat(departure.othersGranted().get(0).taskId()).isEqualTo("next");
    assertThat(departure.othersGranted().get(0).token()).matches(TOKEN);
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isZero();
    assertThat(acquire("next", 3, T0.plusSeconds(1), 1).token())
        .isEqualTo(departure.othersGranted().get(0).token());
    assertThat(semaphore.leave(new SlotTask(algorithm, "granted"), 1).kind())
        .isEqualTo(Departure.Kind.ABSENT);
  }

  @Test
  void leavingWhenNeitherWaitingNorHoldingIsAbsentAndChangesNothing() {
    holdSlot("holder", 1);
    waitInQueue("w", T0, 1);

    var departure = semaphore.leave(new SlotTask(algorithm, "stranger"), 1);

    assertThat(departure.kind()).isEqualTo(Departure.Kind.ABSENT);
    assertThat(departure.othersGranted()).isEmpty();
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(1);
  }

  @Test
  void tokensAreEpochAndCounterAndANewEpochBeginsWhenRedisLosesTheState() {
    var first = holdSlot("a", 5);
    var second = holdSlot("b", 5);
    assertThat(first).matches(TOKEN);
    assertThat(second).matches(TOKEN);
    var epoch = first.substring(0, first.indexOf(':'));
    assertThat(second).startsWith(epoch + ":");
    assertThat(Long.parseLong(second.substring(second.indexOf(':') + 1)))
        .isGreaterThan(Long.parseLong(first.substring(first.indexOf(':') + 1)));
    assertThat(epochMillisOf(first))
        .as("the epoch is the Redis time the state was created")
        .isCloseTo(redisMillis(), org.assertj.core.data.Offset.offset(60_000L));

    // Redis loses the algorithm's state; the epoch is a millisecond: let Redis' clock pass it
    redis.sync().del(semaphore.keys(algorithm).all());
    await("Redis' clock past the first epoch")
        .atMost(Duration.ofSeconds(5))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .until(() -> redisMillis() > epochMillisOf(first));
    var afterLoss = holdSlot("a", 5);

    assertThat(afterLoss).matches(TOKEN);
    assertThat(afterLoss.substring(0, afterLoss.indexOf(':'))).isNotEqualTo(epoch);
    assertThat(afterLoss).isNotEqualTo(first).isNotEqualTo(second);
    // a release with a token of the lost epoch frees nothing
    assertThat(semaphore.release(new SlotTask(algorithm, "a").holding(first), 5).othersGranted())
        .isEmpty();
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(acquire("a", 5).token()).isEqualTo(afterLoss);
  }

  private long redisMillis() {
    var time = redis.sync().time();
    return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
  }

  /** What a rebuild leaves in Redis, with tokens of the algorithm's own epoch cut to the task. */
  private Map<String, Object> stateOf(String algorithm) {
    var keys = semaphore.keys(algorithm);
    var commands = redis.sync();
    var granted = commands.zrange(keys.granted(), 0, -1);
    var tokens = new java.util.TreeMap<>(commands.hgetall(keys.tokens()));
    granted.forEach(id -> tokens.put(id, "(granted in the rebuild)"));
    return Map.of(
        "holders",
        commands.zrange(keys.holders(), 0, -1),
        "tokens",
        tokens,
        "waiters",
        commands.zrangeWithScores(keys.waiters(), 0, -1).toString(),
        "leases",
        new java.util.TreeMap<>(commands.hgetall(keys.leases())),
        "granted",
        granted,
        "limit",
        commands.hget(keys.state(), "limit"));
  }

  @Test
  void aRebuildInChunksLeavesTheSameStateAsOneCall() {
    var entries = new ArrayList<SlotSemaphore.Entry>();
    var random = new java.util.Random(7);
    for (int i = 0; i < 1234; i++) { // waiters in no particular order, as the records give them
      entries.add(SlotSemaphore.Entry.waiter("w" + i, random.nextLong(1_000_000_000L), HOLD));
      if (i % 400 == 0) {
        entries.add(SlotSemaphore.Entry.holder("h" + i, "e0:" + i, HOLD));
      }
    }
    var inOneCall = "it-" + UUID.randomUUID();
    try {
      var whole =
          semaphore.rebuild(inOneCall, 6, semaphore.inspect(inOneCall, HOLD).epoch(), entries);
      var calls = new AtomicInteger(1);
      var chunked =
          semaphore.rebuild(
              algorithm,
              SlotLimit.fixed(6),
              Map.of(),
              semaphore.inspect(algorithm, HOLD).epoch(),
              entries,
              100,
              () -> calls.incrementAndGet() > 0);

      assertThat(calls).as("one call per 100 tasks").hasValue(13);
      assertThat(chunked.done()).isTrue();
      assertThat(chunked.holdersBack()).isEqualTo(whole.holdersBack()).isEqualTo(4);
      assertThat(chunked.waitersBack()).isEqualTo(whole.waitersBack()).isEqualTo(1234);
      assertThat(chunked.granted())
          .extracting(HeldSlot::taskId)
          .containsExactlyElementsOf(whole.granted().stream().map(HeldSlot::taskId).toList())
          .hasSize(2);
      assertThat(stateOf(algorithm)).isEqualTo(stateOf(inOneCall));
      assertThat(semaphore.inspect(algorithm, HOLD).needsRebuild()).isFalse();
    } finally {
      redis.sync().del(semaphore.keys(inOneCall).all());
    }
  }

  @Test
  void aChunkedRebuildToldToStopLeavesTheEpochToRebuildAndGrantsNothing() {
    var entries = new ArrayList<SlotSemaphore.Entry>();
    for (int i = 0; i < 250; i++) {
      entries.add(SlotSemaphore.Entry.waiter("w" + i, i, HOLD));
    }
    var epoch = semaphore.inspect(algorithm, HOLD).epoch();

    var stopped =
        semaphore.rebuild(
            algorithm, SlotLimit.fixed(2), Map.of(), epoch, entries, 100, () -> false);

    assertThat(stopped.done()).isFalse();
    assertThat(stopped.granted()).isEmpty();
    assertThat(semaphore.inspect(algorithm, HOLD).needsRebuild()).isTrue();
    var resumed =
        semaphore.rebuild(algorithm, SlotLimit.fixed(2), Map.of(), epoch, entries, 100, () -> true);
    assertThat(resumed.done()).isTrue();
    assertThat(resumed.waitersBack()).as("the first chunk was back already").isEqualTo(150);
    assertThat(resumed.granted()).extracting(HeldSlot::taskId).containsExactly("w0", "w1");
  }

  @Test
  void everyScriptIsLoadedAgainAfterRedisForgetsIt() {
    var token = holdSlot("a", 1);
    assertThat(semaphore.leave(new SlotTask(algorithm, "nobody"), 1).kind())
        .isEqualTo(Departure.Kind.ABSENT);
    assertThat(
            semaphore.release(new SlotTask(algorithm, "nobody").holding("x:1"), 1).othersGranted())
        .isEmpty();

    redis.sync().scriptFlush();

    var queued = acquire("b", 1);
    assertThat(queued.position()).isZero();
    waitInQueue("c", T0.plusSeconds(1), 1);
    redis.sync().scriptFlush();
    var grants = semaphore.release(new SlotTask(algorithm, "a").holding(token), 1).othersGranted();
    assertThat(grants).extracting(HeldSlot::taskId).containsExactly("b");
    redis.sync().scriptFlush();
    assertThat(semaphore.leave(new SlotTask(algorithm, "c"), 1).kind())
        .isEqualTo(Departure.Kind.LEFT);
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.waiters(algorithm)).isZero();
  }

  /** One slot held, two tasks waiting; the limit is then raised to 3. */
  private void oneHolderTwoWaiters() {
    holdSlot("holder", 1);
    waitInQueue("w1", T0, 1);
    waitInQueue("w2", T0.plusSeconds(1), 1);
  }

  @Test
  void aRaisedLimitGrantsWaitersOnTheNextAcquire() {
    oneHolderTwoWaiters();

    var newcomer = acquire("newcomer", 3, T0.plusSeconds(2), 3);

    assertThat(newcomer.othersGranted()).extracting(HeldSlot::taskId).containsExactly("w1", "w2");
    assertThat(newcomer.granted()).as("the newcomer stays behind the earlier waiters").isFalse();
    assertThat(newcomer.position()).isZero();
    assertThat(semaphore.holders(algorithm)).isEqualTo(3);
    assertThat(semaphore.waiters(algorithm)).isEqualTo(1);
  }

  @Test
  void aRaisedLimitGrantsWaitersOnTheNextRelease() {
    oneHolderTwoWaiters();

    var grants =
        semaphore
            .release(new SlotTask(algorithm, "someone-else").holding("x:1"), 3)
            .othersGranted();

    assertThat(grants).extracting(HeldSlot::taskId).containsExactly("w1", "w2");
    assertThat(semaphore.holders(algorithm)).isEqualTo(3);
    assertThat(semaphore.waiters(algorithm)).isZero();
  }

  @Test
  void aRaisedLimitGrantsWaitersOnTheNextLeave() {
    oneHolderTwoWaiters();
    waitInQueue("w3", T0.plusSeconds(2), 1);

    var departure = semaphore.leave(new SlotTask(algorithm, "w3"), 3);

    assertThat(departure.kind()).isEqualTo(Departure.Kind.LEFT);
    assertThat(departure.othersGranted())
        .as("the limit raised from 1 to 3 frees two slots for the waiters left in the queue")
        .extracting(HeldSlot::taskId)
        .containsExactly("w1", "w2");
    assertThat(semaphore.holders(algorithm)).isEqualTo(3);
  }

  @Test
  void aRaisedLimitGrantsWaitersOnAHoldersRepeatedAcquire() {
    oneHolderTwoWaiters();

    var again = acquire("holder", 3);

    assertThat(again.granted()).isTrue();
    assertThat(again.othersGranted())
        .as("the limit raised from 1 to 3 frees two slots for the waiters")
        .extracting(HeldSlot::taskId)
        .containsExactly("w1", "w2");
    assertThat(semaphore.holders(algorithm)).isEqualTo(3);
  }

  @Test
  void aLoweredLimitGrantsNothingUntilTheHoldersAreBelowIt() {
    var tokenA = holdSlot("a", 2);
    var tokenB = holdSlot("b", 2);
    waitInQueue("w", T0, 2);

    assertThat(semaphore.release(new SlotTask(algorithm, "a").holding(tokenA), 1).othersGranted())
        .isEmpty();
    assertThat(semaphore.holders(algorithm)).isEqualTo(1);
    assertThat(semaphore.release(new SlotTask(algorithm, "b").holding(tokenB), 1).othersGranted())
        .extracting(HeldSlot::taskId)
        .containsExactly("w");
  }

  @Test
  void concurrentTasksNeverHoldMoreSlotsThanTheLimit() throws Exception {
    int limit = 3;
    int threads = 8;
    int cycles = 50;
    Map<String, CompletableFuture<String>> grants = new ConcurrentHashMap<>();
    var holding = new AtomicInteger();
    var mostHeldAtOnce = new AtomicInteger();
    var overLimitSeen = new AtomicInteger();
    var waited = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        runs.add(
            pool.submit(
                () -> {
                  for (int cycle = 0; cycle < cycles; cycle++) {
                    var taskId = "t" + thread + "-" + cycle;
                    var acquisition =
                        semaphore.acquire(
                            new SlotTask(algorithm, taskId), 3, Instant.now(), HOLD, limit);
                    tell(grants, acquisition.othersGranted());
                    if (!acquisition.granted()) {
                      waited.incrementAndGet();
                    }
                    var token =
                        acquisition.granted()
                            ? acquisition.token()
                            : grants
                                .computeIfAbsent(taskId, id -> new CompletableFuture<>())
                                .get(20, TimeUnit.SECONDS);
                    var now = holding.incrementAndGet();
                    mostHeldAtOnce.accumulateAndGet(now, Math::max);
                    if (semaphore.holders(algorithm) > limit) {
                      overLimitSeen.incrementAndGet();
                    }
                    holding.decrementAndGet();
                    tell(
                        grants,
                        semaphore
                            .release(new SlotTask(algorithm, taskId).holding(token), limit)
                            .othersGranted());
                  }
                  return null;
                }));
      }
      for (var run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(overLimitSeen).as("times a holder saw more than %d holders", limit).hasValue(0);
    assertThat(mostHeldAtOnce.get()).isBetween(1, limit);
    assertThat(waited.get()).as("tasks that had to wait for a handed-on slot").isPositive();
    assertThat(grants.values()).allMatch(CompletableFuture::isDone);
    assertThat(semaphore.holders(algorithm)).isZero();
    assertThat(semaphore.waiters(algorithm)).isZero();
  }

  private static void tell(Map<String, CompletableFuture<String>> grants, List<HeldSlot> made) {
    for (var grant : made) {
      var told =
          grants
              .computeIfAbsent(grant.taskId(), id -> new CompletableFuture<>())
              .complete(grant.token());
      assertThat(told).as("%s is granted a slot only once", grant.taskId()).isTrue();
    }
  }
}
