package io.algotask.adapters.slots;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.slots.SlotSemaphore.Acquisition;
import io.algotask.adapters.slots.SlotSemaphore.Claim;
import io.algotask.adapters.slots.SlotSemaphore.Departure;
import io.algotask.adapters.slots.SlotSemaphore.Entry;
import io.algotask.adapters.slots.SlotSemaphore.Inspection;
import io.algotask.adapters.slots.SlotSemaphore.Rebuilt;
import io.algotask.adapters.slots.SlotSemaphore.Release;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The semaphore's scripts against the real Redis, driven by random sequences of operations and
 * checked against a plain-Java model of what Redis must hold afterwards. A try is one seed: it
 * plays {@value #MIN_STEPS} to {@value #MAX_STEPS} steps on eight tasks of three tenants, weighed
 * at random, and one task of no tenant (acquire, release with the right or a wrong token, the
 * callback releasing a holder's slot before the task's own release does, leave, claim, a lease
 * running out, a changed limit, the reconciler's inspect and rebuild, Redis losing the algorithm's
 * state, and the algorithm refusing a task or an attempt timing out), and after every step reads
 * the whole state back. Two tries in five run an adaptive limit (between 1 and the registry's
 * limit, halved by a decrease, with a window of 0 so that no step depends on Redis's clock): the
 * model then also follows the limit in force, its decrease measured by the holders refused, its
 * increase by one per round trip of saturated releases, and the holders marked refused.
 *
 * <p>Checked after every step:
 *
 * <ol>
 *   <li>holders never exceed the limit, except those brought back after a loss of state (adopted or
 *       rebuilt, and counted as such) and those granted under a higher limit; a step that grants
 *       leaves the holders within the limit;
 *   <li>first come, first served within a tenant: every grant goes to its tenant's waiters with the
 *       lowest scores, in order (which tenant is the model's start-time fair queuing, checked by
 *       the answers and the state);
 *   <li>no waiter waits while a slot is free, after every step that hands slots on;
 *   <li>no slot leaks: every holder comes from a grant the answers reported (or a claim or rebuild
 *       that brought it back), tokens are unique and of the form epoch:counter, and a token that is
 *       not the holder's frees nothing: neither a late release of an earlier attempt nor the task's
 *       own release of a slot its callback released already;
 *   <li>Redis holds exactly what the model says: holders with their tokens and leases, the queue in
 *       order, each tenant's queue, start and finish tags, the waiters' leases, the unclaimed
 *       grants, the holders refused and the algorithm's state (its virtual time and an adaptive
 *       limit in force included);
 *   <li>fair share: over the grants since two tenants both have waiters, neither is served more
 *       than one task (scaled by weight) beyond its weighted share: |n_a / w_a - n_b / w_b| is at
 *       most 1 / w_a + 1 / w_b (the bound of start-time fair queuing), checked after every grant.
 * </ol>
 *
 * <p>A second test saturates the slots with tenants that stay backlogged and checks the same bound
 * over every prefix of a long run of grants, and the order within each tenant.
 *
 * <p>The harness is plain JUnit: each try is a seed, and a failing one is shrunk by dropping steps
 * and reported with its steps. Rerun one with {@code -Dslots.model.seed=<seed>
 * -Dslots.model.tries=1}. Every try uses an algorithm of its own and deletes its keys afterwards.
 */
class SlotSemaphoreModelIT {
  private static final int TRIES = Integer.getInteger("slots.model.tries", 200);
  private static final int MIN_STEPS = 10;
  private static final int MAX_STEPS = 30;
  private static final long FIRST_SEED =
      Long.getLong("slots.model.seed", ThreadLocalRandom.current().nextLong(1L << 40));

  private static final List<String> TASKS =
      IntStream.range(0, 8).mapToObj(i -> "t" + i).collect(Collectors.toUnmodifiableList());

  /** Three tasks of tenant a, three of b, one of c, and one that names none. */
  private static final Map<String, String> TENANT =
      Map.of(
          "t0",
          "a",
          "t1",
          "a",
          "t2",
          "a",
          "t3",
          "b",
          "t4",
          "b",
          "t5",
          "b",
          "t6",
          "c",
          "t7",
          SlotSemaphore.NO_TENANT);

  private static final List<String> TENANTS = List.of(SlotSemaphore.NO_TENANT, "a", "b", "c");

  /** An adaptive try's limit: between 1 and the registry's, halved by each decrease. */
  private static final int ADAPTIVE_MIN = 1;

  private static final double ADAPTIVE_BACKOFF = 0.5;

  /** What one grant moves its tenant's tag by at weight 1 (common.lua's SHARE). */
  private static final long SHARE = 1_000_000;

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final List<Duration> HOLDS =
      List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30));
  // Leases outlast every try: a lease runs out only when a step sets its expiry in the past.
  private static final SlotProperties PROPERTIES =
      new SlotProperties("algotask:slots:", Duration.ofMinutes(2), Duration.ofMinutes(1));
  // Redis orders equal scores by member name.
  private static final Comparator<Waiter> QUEUE_ORDER =
      Comparator.comparingLong(Waiter::score).thenComparing(Waiter::id);

  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;
  private static RedisCommands<String, String> redis;
  private static SlotSemaphore semaphore;

  @BeforeAll
  static void connect() {
    // the same Redis (and database) as the Spring tests: algotask.redis.uri
    var uri = System.getenv().getOrDefault("ALGOTASK_REDIS_URI", "redis://127.0.0.1:6379");
    client = RedisClient.create(uri);
    connection = client.connect();
    redis = connection.sync();
    semaphore = new SlotSemaphore(RedisConnection.of(connection), PROPERTIES);
  }

  @AfterAll
  static void disconnect() {
    connection.close();
    client.shutdown();
  }

  static LongStream seeds() {
    return LongStream.range(0, TRIES).map(i -> FIRST_SEED + i);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void redisAlwaysHoldsWhatTheModelSays(long seed) {
    var scenario = Scenario.generate(new SplittableRandom(seed));
    var failure = Run.play(scenario);
    if (failure != null) {
      var smallest = shrink(failure);
      throw new AssertionError(
          "seed %d (rerun with -Dslots.model.seed=%d -Dslots.model.tries=1), shrunk from %d to %d steps, initial limit %d%s, weights %s:%n%s"
              .formatted(
                  seed,
                  seed,
                  scenario.steps().size(),
                  smallest.scenario().steps().size(),
                  scenario.initialLimit(),
                  scenario.adaptive() ? " (adaptive)" : "",
                  scenario.weights(),
                  String.join(System.lineSeparator(), smallest.log())),
          smallest.cause());
    }
  }

  static LongStream saturationSeeds() {
    return LongStream.range(0, Math.max(1, TRIES / 10)).map(i -> FIRST_SEED + i);
  }

  /**
   * Two to four tenants of random weights, each with more waiters than the run grants, behind a
   * random limit: every slot freed goes on to a waiter. Over every prefix of the grants, each two
   * tenants stay within one task (scaled by weight) of their weighted shares, each tenant's tasks
   * are granted in its queue order, and the holders never exceed the limit.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("saturationSeeds")
  void underSaturationEveryPrefixOfGrantsKeepsTheWeightedShares(long seed) {
    var random = new SplittableRandom(seed);
    var algorithm = "fair-" + UUID.randomUUID();
    var keys = semaphore.keys(algorithm);
    int limit = 1 + random.nextInt(4);
    var weights = new TreeMap<String, Integer>();
    IntStream.range(0, 2 + random.nextInt(3))
        .forEach(i -> weights.put("s" + i, 1 + random.nextInt(5)));
    int rounds = 40;
    // enough waiters that every tenant still waits when the last counted grant is made
    var arrivals = new ArrayList<String[]>();
    weights.forEach(
        (tenant, weight) -> {
          for (int i = 0; i < rounds * weight + limit + 5; i++) {
            arrivals.add(new String[] {tenant, tenant + "-" + i});
          }
        });
    for (int i = arrivals.size() - 1; i > 0; i--) { // every tenant joins before the first release
      var other = random.nextInt(i + 1);
      var swap = arrivals.get(i);
      arrivals.set(i, arrivals.get(other));
      arrivals.set(other, swap);
    }
    var scores = new HashMap<String, Long>();
    var holders = new ArrayList<HeldSlot>();
    try {
      for (var arrival : arrivals) {
        var priority = 1 + random.nextInt(5);
        var at = T0.plusSeconds(random.nextInt(3600));
        scores.put(arrival[1], semaphore.queueScore(priority, at));
        var answer =
            semaphore.acquire(
                new SlotTask(algorithm, arrival[1]),
                arrival[0],
                priority,
                at,
                HOLDS.get(0),
                SlotLimit.fixed(limit),
                weights);
        if (answer.granted()) {
          holders.add(new SlotTask(algorithm, arrival[1]).holding(answer.token()));
        }
        holders.addAll(answer.othersGranted()); // a tenant ahead in its turn took the free slot
      }
      assertThat(holders).as("the first tasks take the free slots").hasSize(limit);

      var grants = new ArrayList<String>();
      var served = new TreeMap<String, Long>();
      weights.keySet().forEach(tenant -> served.put(tenant, 0L));
      var grantedOf = new HashMap<String, List<Waiter>>();
      int total = rounds * weights.values().stream().mapToInt(Integer::intValue).sum();
      while (grants.size() < total) {
        var freed = holders.remove(random.nextInt(holders.size()));
        var handedOn = semaphore.release(freed, SlotLimit.fixed(limit), weights).othersGranted();
        assertThat(handedOn).as("a freed slot goes to exactly one waiter").hasSize(1);
        var grant = handedOn.get(0);
        holders.add(grant);
        var tenant = grant.taskId().substring(0, grant.taskId().indexOf('-'));
        grants.add(tenant);
        served.merge(tenant, SHARE / weights.get(tenant), Long::sum);
        grantedOf
            .computeIfAbsent(tenant, t -> new ArrayList<>())
            .add(new Waiter(grant.taskId(), scores.get(grant.taskId())));
        assertThat(semaphore.holders(algorithm)).as("holders within the limit").isEqualTo(limit);
        for (var a : weights.keySet()) {
          for (var b : weights.keySet()) {
            assertThat(Math.abs(served.get(a) - served.get(b)))
                .as(
                    "seed %d: '%s' and '%s' after %d grants, weights %s",
                    seed, a, b, grants.size(), weights)
                .isLessThanOrEqualTo(SHARE / weights.get(a) + SHARE / weights.get(b));
          }
        }
      }
      grantedOf.forEach(
          (tenant, granted) ->
              assertThat(granted)
                  .as("seed %d: the tasks of '%s' are granted in their queue order", seed, tenant)
                  .isSortedAccordingTo(QUEUE_ORDER));
    } finally {
      redis.del(keys.all());
      redis.del(weights.keySet().stream().map(keys::queueOf).toArray(String[]::new));
    }
  }

  /** Drops steps one at a time for as long as the run still fails. */
  private static Failure shrink(Failure failure) {
    var smallest = failure;
    var shorter = true;
    for (int runs = 0; shorter && runs < 500; ) {
      shorter = false;
      for (int i = 0; i < smallest.scenario().steps().size() && !shorter; i++, runs++) {
        var again = Run.play(smallest.scenario().without(i));
        if (again != null) {
          smallest = again;
          shorter = true;
        }
      }
    }
    return smallest;
  }

  // ---------------------------------------------------------------------------------------------
  // The steps, generated up front and resolved against the model when they run, so that a step
  // dropped while shrinking leaves the others meaningful.

  private record Scenario(
      int initialLimit, boolean adaptive, Map<String, Integer> weights, List<Step> steps) {
    static Scenario generate(SplittableRandom random) {
      int limit = 1 + random.nextInt(4);
      boolean adaptive = random.nextInt(5) < 2;
      var weights = new TreeMap<String, Integer>();
      for (var tenant : List.of("a", "b", "c")) {
        weights.put(tenant, 1 + random.nextInt(3));
      }
      var steps =
          IntStream.range(0, random.nextInt(MIN_STEPS, MAX_STEPS + 1))
              .mapToObj(i -> Step.random(random))
              .toList();
      return new Scenario(limit, adaptive, weights, steps);
    }

    Scenario without(int index) {
      var fewer = new ArrayList<>(steps);
      fewer.remove(index);
      return new Scenario(initialLimit, adaptive, weights, fewer);
    }

    Scenario upTo(int index) {
      return new Scenario(initialLimit, adaptive, weights, steps.subList(0, index + 1));
    }
  }

  private sealed interface Step {
    /** A random step: acquires outweigh releases, so that queues form and slots are handed on. */
    static Step random(SplittableRandom r) {
      int roll = r.nextInt(118);
      if (roll >= 115) {
        return new TakenAfterRefusal(Who.random(r, 10, 90));
      } else if (roll >= 108) {
        return new Congestion(Who.random(r, 20, 80), r.nextInt(3) > 0);
      } else if (roll >= 100) {
        return new CallbackRelease(Who.random(r, 10, 90));
      } else if (roll < 36) {
        return new Acquire(
            Who.random(r, 70, 15), 1 + r.nextInt(5), r.nextInt(4), HOLDS.get(r.nextInt(3)));
      } else if (roll < 52) {
        return new ReleaseSlot(Who.random(r, 15, 85), TokenChoice.random(r, true));
      } else if (roll < 60) {
        return new LeaveQueue(Who.random(r, 20, 30));
      } else if (roll < 70) {
        return new ClaimSlot(
            Who.random(r, 30, 70), TokenChoice.random(r, false), HOLDS.get(r.nextInt(3)));
      } else if (roll < 75) {
        return new ExpireLease(r.nextInt(TASKS.size()));
      } else if (roll < 83) {
        return new ChangeLimit(1 + r.nextInt(4), r.nextBoolean());
      } else if (roll < 86) {
        return new Inspect();
      } else if (roll < 93) {
        return new Reconcile();
      } else if (roll < 97) {
        return new LoseRedisState();
      }
      return new StaleRebuild();
    }
  }

  /** A task asks for a slot (again, if it waits or holds already). */
  private record Acquire(Who who, int priority, int arrivalMinute, Duration holdFor)
      implements Step {}

  private record ReleaseSlot(Who who, TokenChoice token) implements Step {}

  /**
   * The algorithm calls back for the attempt of a task that holds a slot: the callback endpoint
   * releases the slot with the attempt's token at once, while the task still believes it holds it
   * until its workflow's own release (a later {@link ReleaseSlot} with its own token).
   */
  private record CallbackRelease(Who who) implements Step {}

  private record LeaveQueue(Who who) implements Step {}

  /**
   * The algorithm shows congestion: it refuses the task's invocation (429, 503), or, not a refusal,
   * an attempt runs out of time. Moves an adaptive limit.
   */
  private record Congestion(Who who, boolean refusal) implements Step {}

  /** A resend of the task, which the algorithm refused before, is taken. */
  private record TakenAfterRefusal(Who who) implements Step {}

  private record ClaimSlot(Who who, TokenChoice token, Duration holdFor) implements Step {}

  /** The lease of the n-th holder runs out (its expiry is set in the past). */
  private record ExpireLease(int pick) implements Step {}

  /** The registry's limit changes; announced by a resize, or else applied by the next operation. */
  private record ChangeLimit(int limit, boolean announced) implements Step {}

  private record Inspect() implements Step {}

  /** The reconciler's pass: apply the limit, inspect, and rebuild from the records if needed. */
  private record Reconcile() implements Step {}

  /** Redis loses all of the algorithm's keys (a restart without persistence, a FLUSHALL). */
  private record LoseRedisState() implements Step {}

  /** A rebuild for an epoch that is no longer the current one. */
  private record StaleRebuild() implements Step {}

  /** Which task a step is about: any, or one that believes it holds or waits, if there is one. */
  private record Who(Pool pool, int pick) {
    enum Pool {
      ANY,
      HOLDING,
      WAITING
    }

    static Who random(SplittableRandom r, int anyPercent, int holdingPercent) {
      int roll = r.nextInt(100);
      var pool =
          roll < anyPercent
              ? Pool.ANY
              : roll < anyPercent + holdingPercent ? Pool.HOLDING : Pool.WAITING;
      return new Who(pool, r.nextInt(TASKS.size()));
    }
  }

  /** The token a release or claim carries. */
  private enum TokenChoice {
    /** the one the task believes it holds (else the last it was given) */
    OWN,
    /** one the task was given before its current one: a late call of an earlier attempt */
    EARLIER,
    /** another task's */
    OTHERS,
    /** one never handed out */
    MADE_UP;

    static TokenChoice random(SplittableRandom r, boolean release) {
      int roll = r.nextInt(100);
      if (roll < 60) {
        return OWN;
      } else if (roll < 75) {
        return EARLIER;
      }
      // a claim only ever carries a token its own task was given
      return roll < 90 && release ? OTHERS : MADE_UP;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One try: the steps against Redis and the model, with every answer and the state afterwards
  // compared.

  private record Failure(Scenario scenario, List<String> log, Throwable cause) {}

  private static final class Run {
    private final String algorithm = "model-" + UUID.randomUUID();
    private final SlotKeys keys = semaphore.keys(algorithm);
    private final Model model;
    private final Map<String, Integer> weights;

    /** What each task believes (its workflow's view), which its next calls are made from. */
    private final Map<String, Task> tasks = new TreeMap<>();

    private final List<String> log = new ArrayList<>();

    /** The registry's limit (an adaptive one's maximum), which every call passes. */
    private int limit;

    private final boolean adaptive;

    private Run(int limit, boolean adaptive, Map<String, Integer> weights) {
      this.limit = limit;
      this.adaptive = adaptive;
      this.weights = weights;
      this.model = new Model(algorithm, adaptive, weights);
      TASKS.forEach(id -> tasks.put(id, new Task()));
    }

    static Failure play(Scenario scenario) {
      var run = new Run(scenario.initialLimit(), scenario.adaptive(), scenario.weights());
      var steps = scenario.steps();
      int step = 0;
      try {
        for (; step < steps.size(); step++) {
          run.execute(steps.get(step));
        }
        return null;
      } catch (AssertionError | RuntimeException e) {
        return new Failure(scenario.upTo(step), run.log, e);
      } finally {
        forget(run.keys);
      }
    }

    private void execute(Step step) {
      if (step instanceof Acquire acquire) {
        acquire(acquire);
      } else if (step instanceof ReleaseSlot release) {
        release(release);
      } else if (step instanceof CallbackRelease callback) {
        callbackRelease(callback);
      } else if (step instanceof LeaveQueue leave) {
        leave(leave);
      } else if (step instanceof Congestion congestion) {
        congestion(congestion);
      } else if (step instanceof TakenAfterRefusal taken) {
        takenAfterRefusal(taken);
      } else if (step instanceof ClaimSlot claim) {
        claim(claim);
      } else if (step instanceof ExpireLease expire) {
        expire(expire);
      } else if (step instanceof ChangeLimit change) {
        changeLimit(change);
      } else if (step instanceof Inspect) {
        inspect();
      } else if (step instanceof Reconcile) {
        reconcile();
      } else if (step instanceof LoseRedisState) {
        loseState();
      } else if (step instanceof StaleRebuild) {
        staleRebuild();
      }
    }

    private void acquire(Acquire step) {
      var id = resolve(step.who());
      var arrival = T0.plus(Duration.ofMinutes(step.arrivalMinute()));
      var score = semaphore.queueScore(step.priority(), arrival);
      boolean heldBefore = model.holders.containsKey(id);
      note(
          "acquire(%s of '%s', priority %d, arrival +%dm, hold %s, limit %d)",
          id, TENANT.get(id), step.priority(), step.arrivalMinute(), step.holdFor(), limit);

      var from = redisMillis();
      var answer =
          semaphore.acquire(
              new SlotTask(algorithm, id),
              TENANT.get(id),
              step.priority(),
              arrival,
              step.holdFor(),
              slotLimit(),
              weights);
      answered(answer);
      var expected = model.acquire(id, score, leaseOf(step.holdFor()), limit, ran(from));

      assertThat(answer).as("the answer to the acquire").isEqualTo(expected);
      var task = tasks.get(id);
      if (answer.granted()) {
        task.holding(answer.token(), step.holdFor());
      } else {
        task.waiting(model.queuedAt.get(id), step.holdFor());
      }
      wake(answer.othersGranted());
      var granted = names(answer.othersGranted());
      if (answer.granted() && !heldBefore) {
        granted.add(id);
      }
      check(true, answer.othersGranted(), granted);
    }

    private void release(ReleaseSlot step) {
      var id = resolve(step.who());
      var token = tokenFor(id, step.token());
      var tokenInRedis = model.holders.containsKey(id) ? model.holders.get(id).token() : null;
      note("release(%s, %s %s, limit %d)", id, step.token(), token, limit);

      var from = redisMillis();
      var answer =
          semaphore.release(new SlotTask(algorithm, id).holding(token), slotLimit(), weights);
      answered(answer);
      var expected = model.release(id, token, limit, ran(from));

      assertThat(answer).as("the answer to the release").isEqualTo(expected);
      if (!token.equals(tokenInRedis)) {
        assertThat(answer.freed()).as("a token that is not the holder's frees nothing").isFalse();
      }
      var task = tasks.get(id);
      if (task.releasedByCallback && token.equals(task.token)) {
        assertThat(answer.freed())
            .as("the workflow's release of a slot its callback released frees nothing")
            .isFalse();
      }
      if (answer.freed() || token.equals(task.token)) {
        task.idle(); // done; had its slot been lost meanwhile, it ran beyond the limit
      }
      wake(answer.othersGranted());
      check(true, answer.othersGranted(), names(answer.othersGranted()));
    }

    private void callbackRelease(CallbackRelease step) {
      var id = resolve(step.who());
      var task = tasks.get(id);
      if (task.phase != Phase.HOLDING || task.releasedByCallback) {
        note("callback of %s: no attempt of it runs", id);
        check(false, List.of(), List.of());
        return;
      }
      var token = task.token;
      note("callback of %s releases %s (limit %d)", id, token, limit);

      var from = redisMillis();
      var answer =
          semaphore.release(new SlotTask(algorithm, id).holding(token), slotLimit(), weights);
      answered(answer);
      var expected = model.release(id, token, limit, ran(from));

      assertThat(answer).as("the answer to the callback's release").isEqualTo(expected);
      task.releasedByCallback = true; // its workflow releases the same token later
      wake(answer.othersGranted());
      check(true, answer.othersGranted(), names(answer.othersGranted()));
    }

    private void leave(LeaveQueue step) {
      var id = resolve(step.who());
      note("leave(%s, limit %d)", id, limit);

      var from = redisMillis();
      var answer = semaphore.leave(new SlotTask(algorithm, id), slotLimit(), weights);
      answered(answer);
      var expected = model.leave(id, limit, ran(from));

      assertThat(answer).as("the answer to leaving").isEqualTo(expected);
      tasks.get(id).idle();
      wake(answer.othersGranted());
      check(true, answer.othersGranted(), names(answer.othersGranted()));
    }

    private void claim(ClaimSlot step) {
      var id = resolve(step.who());
      if (tasks.get(id).releasedByCallback) {
        // a claim goes with a send, and a decided attempt is not sent again
        note("claim(%s): its attempt is decided, nothing is sent", id);
        check(false, List.of(), List.of());
        return;
      }
      var token = tokenFor(id, step.token());
      boolean handedOn = model.handedOn.contains(id);
      note("claim(%s, %s %s, hold %s)", id, step.token(), token, step.holdFor());

      var from = redisMillis();
      var answer = semaphore.claim(new SlotTask(algorithm, id).holding(token), step.holdFor());
      answered(answer);
      var expected = model.claim(id, token, leaseOf(step.holdFor()), ran(from));

      assertThat(answer.kind()).as("what the claim found").isEqualTo(expected);
      assertThat(answer.sinceHandOff() != null)
          .as("the hand-off is measured exactly when a slot handed on is claimed")
          .isEqualTo(expected == Claim.Kind.HELD && handedOn);
      if (answer.holds()) {
        tasks.get(id).holding(token, step.holdFor());
      }
      check(false, List.of(), List.of());
    }

    private void expire(ExpireLease step) {
      var holders = List.copyOf(model.holders.keySet());
      if (holders.isEmpty()) {
        note("expire a lease: nobody holds a slot");
        check(false, List.of(), List.of());
        return;
      }
      var id = holders.get(step.pick() % holders.size());
      var past = redisMillis() - 1;
      note("the lease of %s runs out", id);
      redis.zadd(keys.holders(), ZAddArgs.Builder.xx(), (double) past, id);
      model.expire(id, past);
      check(false, List.of(), List.of());
    }

    private void changeLimit(ChangeLimit step) {
      limit = step.limit();
      if (step.announced()) {
        resize();
      } else {
        note("the limit becomes %d, applied by the next operation", limit);
        check(false, List.of(), List.of());
      }
    }

    private void resize() {
      note("resize(%d)", limit);
      var from = redisMillis();
      var answer = semaphore.resize(algorithm, slotLimit(), weights);
      answered(answer);
      var expected = model.resize(limit, ran(from));

      assertThat(answer).as("the grants of the resize").isEqualTo(expected);
      wake(answer);
      check(true, answer, names(answer));
    }

    /**
     * The limit every call passes: fixed, or adaptive between {@link #ADAPTIVE_MIN} and the
     * registry's limit with a window of 0, so that every signal begins a decrease episode and every
     * saturated release counts towards an increase: no step depends on Redis's clock.
     */
    private SlotLimit slotLimit() {
      return adaptive
          ? SlotLimit.adaptive(ADAPTIVE_MIN, limit, Duration.ZERO, ADAPTIVE_BACKOFF)
          : SlotLimit.fixed(limit);
    }

    private void congestion(Congestion step) {
      var id = resolve(step.who());
      note(
          "%s, limit %d%s",
          step.refusal() ? "the algorithm refuses " + id : "an attempt of " + id + " times out",
          limit,
          adaptive ? " (adaptive)" : "");

      var from = redisMillis();
      var answer =
          step.refusal()
              ? semaphore.refused(new SlotTask(algorithm, id), slotLimit())
              : semaphore.congested(algorithm, slotLimit());
      answered(answer);
      var expected = model.congestion(step.refusal() ? id : null, limit);
      ran(from);

      assertThat(answer).as("the answer to the congestion").isEqualTo(expected);
      check(false, List.of(), List.of());
    }

    private void takenAfterRefusal(TakenAfterRefusal step) {
      var id = resolve(step.who());
      note("a resend of %s is taken", id);
      semaphore.takenAfterRefusal(new SlotTask(algorithm, id));
      model.refused.remove(id);
      check(false, List.of(), List.of());
    }

    private Inspection inspect() {
      note("inspect()");
      var from = redisMillis();
      var answer = semaphore.inspect(algorithm, Duration.ZERO);
      answered(answer);
      var expected = model.inspect(ran(from));

      assertThat(answer.epoch()).as("epoch").isEqualTo(expected.epoch());
      assertThat(answer.rebuiltEpoch()).as("epoch rebuilt").isEqualTo(expected.rebuiltEpoch());
      assertThat(answer.leasesExpired()).as("leases expired").isEqualTo(expected.leasesExpired());
      assertThat(answer.slotsAdopted()).as("slots adopted").isEqualTo(expected.slotsAdopted());
      assertThat(answer.holders())
          .as("holders")
          .containsExactlyInAnyOrderElementsOf(expected.holders());
      assertThat(answer.unclaimed())
          .as("grants not claimed yet")
          .containsExactlyInAnyOrderElementsOf(expected.unclaimed());
      // frees expired leases without handing them on: the reconciler's next resize does
      check(false, List.of(), List.of());
      return answer;
    }

    private void reconcile() {
      resize();
      var view = inspect();
      if (view.needsRebuild()) {
        rebuild(view.epoch());
      }
    }

    private void rebuild(String epoch) {
      var entries = records();
      note("rebuild(limit %d, epoch %s, %s)", limit, epoch, entries);
      var from = redisMillis();
      var answer =
          semaphore.rebuild(
              algorithm,
              slotLimit(),
              weights,
              epoch,
              entries,
              Math.max(1, entries.size()),
              () -> true);
      answered(answer);
      var expected = model.rebuild(limit, epoch, entries, ran(from));

      assertThat(answer).as("the answer to the rebuild").isEqualTo(expected);
      wake(answer.granted());
      check(answer.done(), answer.granted(), names(answer.granted()));
    }

    private void staleRebuild() {
      var stale = model.lostEpochs.isEmpty() ? "0" : model.lostEpochs.get(0);
      rebuild(stale);
    }

    private void loseState() {
      var lost = model.epoch;
      note("Redis loses the algorithm's state");
      forget(keys);
      model.lose();
      if (lost != null) {
        // The epoch is the millisecond the state began: a state lost within that millisecond would
        // begin again under the same epoch and repeat its tokens. A real loss takes far longer.
        var lostAt = Long.parseLong(lost, 16);
        while (redisMillis() <= lostAt) {
          Thread.onSpinWait();
        }
      }
      check(false, List.of(), List.of());
    }

    /**
     * The running and waiting tasks, as the records show them: a task whose attempt its callback
     * decided is neither (its workflow ends it, or asks for a slot again).
     */
    private List<Entry> records() {
      var entries = new ArrayList<Entry>();
      tasks.forEach(
          (id, task) -> {
            if (task.releasedByCallback) {
              return;
            }
            if (task.phase == Phase.HOLDING) {
              entries.add(Entry.holder(id, task.token, task.holdFor));
            } else if (task.phase == Phase.WAITING) {
              entries.add(Entry.waiter(id, TENANT.get(id), task.score, task.holdFor));
            }
          });
      return entries;
    }

    /** The tasks the grants went to learn their tokens (the signal). */
    private void wake(List<HeldSlot> grants) {
      for (var grant : grants) {
        var task = tasks.get(grant.taskId());
        task.holding(grant.token(), task.holdFor);
      }
    }

    /** Redis's time before a script ran and after it: the script's own time lies in between. */
    private Window ran(long from) {
      var window = new Window(from, redisMillis());
      model.scriptRan(redis.hget(keys.state(), "epoch"), window);
      return window;
    }

    private String resolve(Who who) {
      var pool =
          switch (who.pool()) {
            case ANY -> TASKS;
            case HOLDING -> tasksIn(Phase.HOLDING);
            case WAITING -> tasksIn(Phase.WAITING);
          };
      if (pool.isEmpty()) {
        pool = TASKS;
      }
      return pool.get(who.pick() % pool.size());
    }

    private List<String> tasksIn(Phase phase) {
      return tasks.entrySet().stream()
          .filter(e -> e.getValue().phase == phase)
          .map(Map.Entry::getKey)
          .toList();
    }

    private String tokenFor(String id, TokenChoice choice) {
      var task = tasks.get(id);
      var seen = task.tokensSeen;
      var madeUp = model.epoch == null ? "no-such-token" : model.epoch + ":999999";
      return switch (choice) {
        case OWN -> task.token != null ? task.token : seen.isEmpty() ? madeUp : seen.get(0);
        case EARLIER -> seen.stream().filter(t -> !t.equals(task.token)).findFirst().orElse(madeUp);
        case OTHERS ->
            tasks.entrySet().stream()
                .filter(e -> !e.getKey().equals(id) && e.getValue().token != null)
                .map(e -> e.getValue().token)
                .findFirst()
                .orElse(madeUp);
        case MADE_UP -> madeUp;
      };
    }

    private void note(String format, Object... args) {
      log.add("%3d. %s".formatted(log.size() + 1, format.formatted(args)));
    }

    private void answered(Object answer) {
      log.set(log.size() - 1, log.get(log.size() - 1) + " -> " + answer);
    }

    /**
     * Reads the algorithm's state back and checks it against the model and the invariants.
     *
     * @param handsOn whether the step hands free slots on, so that no waiter may be left waiting
     *     while a slot is free
     * @param handedOn the grants the step reported to others, in their order
     * @param granted every task the step granted a slot, the caller of an acquire included
     */
    private void check(boolean handsOn, List<HeldSlot> handedOn, List<String> granted) {
      var actual = Snapshot.read(keys);
      int appliedLimit = model.limit == null ? 0 : model.limit;

      // 5. Redis holds exactly what the model says
      assertThat(actual.tokens()).as("holders and their tokens").isEqualTo(model.tokens());
      assertThat(actual.holders().keySet()).as("holders' leases").isEqualTo(model.holders.keySet());
      assertThat(actual.waiters()).as("the queue, in order").isEqualTo(List.copyOf(model.queue));
      assertThat(actual.leases()).as("the waiters' leases").isEqualTo(model.leasesAsStored());
      assertThat(actual.handedOn()).as("grants not claimed yet").isEqualTo(model.handedOn);
      var state = new TreeMap<>(actual.state());
      // Redis's time of the last congestion signal and of the last decrease: set or not
      assertThat(state.remove("adaptive_calm_since") != null)
          .as("the time of the last congestion signal is kept")
          .isEqualTo(model.signalled);
      assertThat(state.remove("adaptive_cut_at") != null)
          .as("the time of the last decrease episode is kept")
          .isEqualTo(model.episodeBegun);
      assertThat(state).as("the algorithm's state").isEqualTo(model.state());
      assertThat(actual.refused()).as("the holders refused").isEqualTo(model.refused);
      assertThat(actual.tenantOf()).as("the waiters' tenants").isEqualTo(model.tenantOf);
      assertThat(actual.backlog()).as("start tags of the tenants waiting").isEqualTo(model.backlog);
      assertThat(actual.finish()).as("tags kept of tenants not waiting").isEqualTo(model.finish);
      for (var tenant : TENANTS) {
        assertThat(actual.queues().get(tenant))
            .as("the queue of tenant '%s', in order", tenant)
            .isEqualTo(model.queueOf(tenant));
      }
      model.holders.forEach(
          (id, holder) -> {
            var expiry = actual.holders().get(id).longValue();
            if (holder.expiredAt() != null) {
              assertThat(expiry).as("%s's lease, run out", id).isEqualTo(holder.expiredAt());
            } else {
              assertThat(expiry)
                  .as("%s's lease ends its hold plus the margin after Redis's now", id)
                  .isBetween(
                      holder.set().from() + holder.lease(), holder.set().to() + holder.lease());
            }
          });

      // 4. no slot leaks, and tokens are unique fencing tokens
      assertThat(actual.tokens().values())
          .as("tokens are epoch:counter")
          .allMatch(token -> token.matches("[0-9a-f]+:[0-9]+"));
      assertThat(Set.copyOf(actual.tokens().values()))
          .as("no two holders share a token")
          .hasSameSizeAs(actual.tokens().values());
      for (var grant : handedOn) {
        assertThat(actual.tokens())
            .as("a reported grant names the slot in Redis")
            .containsEntry(grant.taskId(), grant.token());
      }

      // 1. holders within the limit, but for slots brought back and a limit lowered under them
      var holders = model.holders.values();
      int highestLimitGranted =
          holders.stream().mapToInt(Holder::limitAtGrant).max().orElse(appliedLimit);
      long broughtBack = holders.stream().filter(h -> h.origin() != Origin.GRANTED).count();
      assertThat((long) actual.holders().size())
          .as(
              "holders: within the highest limit any of them was granted under (now %d), plus"
                  + " the %d brought back after a loss of state",
              appliedLimit, broughtBack)
          .isLessThanOrEqualTo(Math.max(appliedLimit, highestLimitGranted) + broughtBack);
      if (!granted.isEmpty()) {
        assertThat(actual.holders().size())
            .as("a step that grants leaves the holders within the limit")
            .isLessThanOrEqualTo(appliedLimit);
      }

      // 2. first come, first served within each tenant
      for (var tenant : TENANTS) {
        var grantees =
            granted.stream()
                .filter(id -> TENANT.get(id).equals(tenant))
                .map(id -> new Waiter(id, model.queuedAt.get(id)))
                .toList();
        assertThat(
                handedOn.stream()
                    .filter(g -> TENANT.get(g.taskId()).equals(tenant))
                    .map(g -> new Waiter(g.taskId(), model.queuedAt.get(g.taskId()))))
            .as("grants are handed on in the queue order of tenant '%s'", tenant)
            .isSortedAccordingTo(QUEUE_ORDER);
        grantees.stream()
            .max(QUEUE_ORDER)
            .ifPresent(
                last ->
                    assertThat(actual.queues().get(tenant))
                        .as(
                            "nobody of its tenant still waiting was ahead of %s, granted",
                            last.id())
                        .allMatch(waiter -> QUEUE_ORDER.compare(last, waiter) < 0));
      }

      // 3. no waiter waits while a slot is free
      if (handsOn && !actual.waiters().isEmpty()) {
        assertThat(actual.holders().size())
            .as("tasks wait, so every slot is taken")
            .isGreaterThanOrEqualTo(appliedLimit);
      }
    }
  }

  private static List<String> names(List<HeldSlot> grants) {
    return grants.stream().map(HeldSlot::taskId).collect(Collectors.toCollection(ArrayList::new));
  }

  /** Deletes every key of the algorithm, its tenants' queues too: what a loss of Redis does. */
  private static void forget(SlotKeys keys) {
    redis.del(keys.all());
    redis.del(TENANTS.stream().map(keys::queueOf).toArray(String[]::new));
  }

  private static long leaseOf(Duration holdFor) {
    return holdFor.plus(PROPERTIES.leaseMargin()).toMillis();
  }

  private static long redisMillis() {
    var time = redis.time();
    return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
  }

  /** The algorithm's keys as read back from Redis. */
  private record Snapshot(
      Map<String, Double> holders,
      Map<String, String> tokens,
      List<Waiter> waiters,
      Map<String, String> leases,
      Set<String> handedOn,
      Map<String, String> state,
      Map<String, String> tenantOf,
      Map<String, Long> backlog,
      Map<String, Long> finish,
      Map<String, List<Waiter>> queues,
      Set<String> refused) {
    static Snapshot read(SlotKeys keys) {
      var holders = new TreeMap<String, Double>();
      for (ScoredValue<String> holder : redis.zrangeWithScores(keys.holders(), 0, -1)) {
        holders.put(holder.getValue(), holder.getScore());
      }
      var waiters = waiters(keys.waiters());
      var queues = new TreeMap<String, List<Waiter>>();
      TENANTS.forEach(tenant -> queues.put(tenant, waiters(keys.queueOf(tenant))));
      return new Snapshot(
          holders,
          new TreeMap<>(redis.hgetall(keys.tokens())),
          waiters,
          new TreeMap<>(redis.hgetall(keys.leases())),
          new TreeSet<>(redis.zrange(keys.granted(), 0, -1)),
          new TreeMap<>(redis.hgetall(keys.state())),
          new TreeMap<>(redis.hgetall(keys.tenantOf())),
          tags(keys.backlog()),
          tags(keys.finish()),
          queues,
          new TreeSet<>(redis.hkeys(keys.refused())));
    }

    private static List<Waiter> waiters(String key) {
      return redis.zrangeWithScores(key, 0, -1).stream()
          .map(waiter -> new Waiter(waiter.getValue(), (long) waiter.getScore()))
          .toList();
    }

    private static Map<String, Long> tags(String key) {
      var tags = new TreeMap<String, Long>();
      for (ScoredValue<String> tag : redis.zrangeWithScores(key, 0, -1)) {
        tags.put(tag.getValue(), (long) tag.getScore());
      }
      return tags;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // What each task believes.

  private enum Phase {
    IDLE,
    WAITING,
    HOLDING
  }

  private static final class Task {
    Phase phase = Phase.IDLE;
    String token;
    long score;
    Duration holdFor = HOLDS.get(0);

    /** Every token the task was given, latest first. */
    final List<String> tokensSeen = new ArrayList<>();

    /** Its attempt's callback released the slot it still believes it holds. */
    boolean releasedByCallback;

    void holding(String token, Duration holdFor) {
      this.releasedByCallback = false;
      this.phase = Phase.HOLDING;
      this.token = token;
      this.holdFor = holdFor;
      tokensSeen.remove(token);
      tokensSeen.add(0, token);
    }

    void waiting(long score, Duration holdFor) {
      this.releasedByCallback = false;
      this.phase = Phase.WAITING;
      this.token = null;
      this.score = score;
      this.holdFor = holdFor;
    }

    void idle() {
      releasedByCallback = false;
      phase = Phase.IDLE;
      token = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The model: what Redis must hold, as the scripts' contract says.

  /** Redis's time (ms) before and after a script ran. */
  private record Window(long from, long to) {}

  private record Waiter(String id, long score) {}

  private enum Origin {
    /** handed out by a grant, under the limit of that moment */
    GRANTED,
    /** an earlier epoch's slot, counted again by its holder's claim */
    ADOPTED,
    /** put back from the records after a loss of state */
    REBUILT
  }

  /**
   * A slot in Redis: its token, the lease last set on it (from Redis's now within {@code set}), or
   * the past expiry a step gave it, and the limit it was granted under.
   */
  private record Holder(
      String token, long lease, Window set, Long expiredAt, Origin origin, int limitAtGrant) {
    Holder renewed(long lease, Window now) {
      return new Holder(token, lease, now, null, origin, limitAtGrant);
    }

    Holder runOutAt(long at) {
      return new Holder(token, lease, set, at, origin, limitAtGrant);
    }
  }

  private static final class Model {
    final String algorithm;
    final boolean adaptive;
    final Map<String, Integer> weights;
    final Map<String, Holder> holders = new TreeMap<>();

    /** Every tenant's waiters together, and the tenant of each. */
    final NavigableSet<Waiter> queue = new TreeSet<>(QUEUE_ORDER);

    final Map<String, String> tenantOf = new TreeMap<>();
    final Map<String, Long> backlog = new TreeMap<>();
    final Map<String, Long> finish = new TreeMap<>();
    Long virtualTime;

    /** The tenant of every grant, and where in it each tenant waiting now began to wait. */
    final List<String> grantLog = new ArrayList<>();

    final Map<String, Integer> waitingSince = new TreeMap<>();
    final Map<String, Long> leases = new TreeMap<>();
    final Set<String> handedOn = new TreeSet<>();
    String epoch;
    long counter;
    Integer limit;
    String rebuilt;
    long expired;
    long adopted;

    /** An adaptive limit's state: the limit in force, and saturated releases since a change. */
    Integer adaptiveLimit;

    Long acks;
    boolean signalled;
    boolean episodeBegun;

    /** Holders the algorithm refused, until taken again or forgotten. */
    final Set<String> refused = new TreeSet<>();

    Model(String algorithm, boolean adaptive, Map<String, Integer> weights) {
      this.algorithm = algorithm;
      this.adaptive = adaptive;
      this.weights = weights;
    }

    /** adaptive.lua's effective_limit: every script but claim and inspect runs it first. */
    private int effective(int max) {
      if (!adaptive) {
        adaptiveLimit = null;
        return max;
      }
      int inForce = adaptiveLimit == null ? max : adaptiveLimit;
      adaptiveLimit = Math.max(ADAPTIVE_MIN, Math.min(max, inForce));
      return adaptiveLimit;
    }

    /** The limit in force, applied (the state's 'limit'). */
    private int applied(int max) {
      limit = effective(max);
      return limit;
    }

    /** A release finding every slot held and tasks waiting: one more slot per round trip. */
    private int raiseIfSaturated(int max, int inForce) {
      if (!adaptive || inForce >= max || holders.size() < inForce || queue.isEmpty()) {
        return inForce;
      }
      acks = (acks == null ? 0 : acks) + 1; // the window of 0 is always calm
      if (acks < inForce) {
        return inForce;
      }
      changeTo(inForce + 1);
      return limit;
    }

    private void changeTo(int inForce) {
      adaptiveLimit = inForce;
      limit = inForce;
      acks = 0L;
    }

    /** congestion.lua with a window of 0: every signal begins an episode. */
    SlotSemaphore.Congestion congestion(String refusedId, int max) {
      int inForce = applied(max);
      if (!adaptive) {
        return new SlotSemaphore.Congestion(inForce, false);
      }
      signalled = true;
      if (refusedId != null && holders.containsKey(refusedId)) {
        refused.add(refusedId);
      }
      int holding = holders.size();
      if (holding > inForce) {
        return new SlotSemaphore.Congestion(inForce, false); // the echo of an earlier cut
      }
      int target = (int) Math.floor(inForce * ADAPTIVE_BACKOFF);
      if (refusedId != null && refused.contains(refusedId)) {
        target = Math.min(target, Math.max(ADAPTIVE_MIN, holding - refused.size()));
      }
      episodeBegun = true;
      target = Math.max(ADAPTIVE_MIN, target);
      if (target >= inForce) {
        return new SlotSemaphore.Congestion(inForce, false);
      }
      changeTo(target);
      return new SlotSemaphore.Congestion(target, true);
    }

    /** The score each task last joined the queue with. */
    final Map<String, Long> queuedAt = new HashMap<>();

    final Set<String> issued = new HashSet<>();
    final List<String> lostEpochs = new ArrayList<>();

    /** Every script fixes the epoch first: a new one after a loss of state. */
    void scriptRan(String epochInRedis, Window window) {
      if (epoch == null) {
        assertThat(epochInRedis).as("a new epoch, in hex").matches("[0-9a-f]+");
        assertThat(Long.parseLong(epochInRedis, 16))
            .as("the new epoch is Redis's now")
            .isBetween(window.from(), window.to());
        assertThat(lostEpochs).as("epochs lost before").doesNotContain(epochInRedis);
        epoch = epochInRedis;
      } else {
        assertThat(epochInRedis).as("the epoch").isEqualTo(epoch);
      }
    }

    Acquisition acquire(String id, long score, long lease, int max, Window now) {
      int limit = applied(max);
      var holder = holders.get(id);
      if (holder != null) {
        holders.put(id, holder.renewed(lease, now)); // a holder asking again keeps its slot
      } else {
        if (waiter(id) == null) { // a waiter asking again keeps its place
          join(id, TENANT.get(id), score);
        }
        leases.put(id, lease);
      }
      dropExpired();
      var others = grant(limit, now).stream().filter(g -> !g.taskId().equals(id)).toList();
      var own = holders.get(id);
      if (own != null) {
        handedOn.remove(id);
        return new Acquisition(own.token(), -1, limit, others);
      }
      return new Acquisition(null, queueOf(TENANT.get(id)).indexOf(waiter(id)), limit, others);
    }

    Release release(String id, String token, int max, Window now) {
      int limit = applied(max);
      var holder = holders.get(id);
      boolean freed = holder != null && holder.token().equals(token);
      if (freed) {
        limit = raiseIfSaturated(max, limit); // saturated while this slot is still held
        forget(id);
      }
      dropExpired();
      return new Release(freed, grant(limit, now));
    }

    Departure leave(String id, int max, Window now) {
      int limit = applied(max);
      var kind = Departure.Kind.ABSENT;
      var waiter = waiter(id);
      if (waiter != null) {
        removeWaiter(waiter);
        kind = Departure.Kind.LEFT;
      } else if (holders.containsKey(id)) {
        forget(id);
        kind = Departure.Kind.GAVE_BACK;
      }
      dropExpired();
      return new Departure(kind, grant(limit, now));
    }

    /** Epochs are the hex time they began: only a token of an earlier one is brought back. */
    private boolean ofAnEarlierEpoch(String token) {
      int colon = token.indexOf(':');
      if (colon <= 0 || !token.substring(0, colon).matches("[0-9a-fA-F]+")) {
        return false;
      }
      return Long.parseLong(token.substring(0, colon), 16) < Long.parseLong(epoch, 16);
    }

    Claim.Kind claim(String id, String token, long lease, Window now) {
      var holder = holders.get(id);
      if (holder != null && holder.token().equals(token)) {
        handedOn.remove(id);
        holders.put(id, holder.renewed(lease, now));
        return Claim.Kind.HELD;
      }
      if (!ofAnEarlierEpoch(token)) {
        return Claim.Kind.LOST; // its lease ran out, or the token never named a slot
      }
      // a slot of an earlier epoch: counted again under its token, whatever the limit
      var waiter = waiter(id);
      if (waiter != null) {
        removeWaiter(waiter);
      }
      leases.remove(id);
      handedOn.remove(id);
      holders.put(id, new Holder(token, lease, now, null, Origin.ADOPTED, 0));
      adopted++;
      return Claim.Kind.ADOPTED;
    }

    List<HeldSlot> resize(int max, Window now) {
      int limit = applied(max);
      dropExpired();
      return grant(limit, now);
    }

    Rebuilt rebuild(int max, String forEpoch, List<Entry> entries, Window now) {
      int limit = effective(max);
      if (!forEpoch.equals(epoch)) {
        return new Rebuilt(false, 0, 0, List.of());
      }
      this.limit = limit;
      long holdersBack = 0;
      long waitersBack = 0;
      for (var entry : entries) {
        var id = entry.taskId();
        if (holders.containsKey(id) || waiter(id) != null) {
          continue; // what Redis has stays as it is
        }
        var lease = leaseOf(entry.lease());
        if (entry.holding()) {
          holders.put(id, new Holder(entry.tokenOrScore(), lease, now, null, Origin.REBUILT, 0));
          holdersBack++;
        } else {
          join(id, entry.tenant(), Long.parseLong(entry.tokenOrScore()));
          leases.put(id, lease);
          waitersBack++;
        }
      }
      rebuilt = epoch;
      dropExpired();
      return new Rebuilt(true, holdersBack, waitersBack, grant(limit, now));
    }

    Inspection inspect(Window now) {
      dropExpired();
      var all =
          holders.entrySet().stream()
              .map(e -> new SlotTask(algorithm, e.getKey()).holding(e.getValue().token()))
              .toList();
      var unclaimed =
          handedOn.stream()
              .map(id -> new SlotTask(algorithm, id).holding(holders.get(id).token()))
              .toList();
      return new Inspection(epoch, rebuilt, expired, adopted, all, unclaimed);
    }

    void expire(String id, long at) {
      holders.put(id, holders.get(id).runOutAt(at));
    }

    void lose() {
      if (epoch != null) {
        lostEpochs.add(0, epoch);
      }
      holders.clear();
      queue.clear();
      tenantOf.clear();
      backlog.clear();
      finish.clear();
      virtualTime = null;
      waitingSince.clear();
      leases.clear();
      handedOn.clear();
      epoch = null;
      counter = 0;
      limit = null;
      rebuilt = null;
      expired = 0;
      adopted = 0;
      adaptiveLimit = null;
      acks = null;
      signalled = false;
      episodeBegun = false;
      refused.clear();
    }

    Map<String, String> tokens() {
      var tokens = new TreeMap<String, String>();
      holders.forEach((id, holder) -> tokens.put(id, holder.token()));
      return tokens;
    }

    Map<String, String> leasesAsStored() {
      var stored = new TreeMap<String, String>();
      leases.forEach((id, lease) -> stored.put(id, Long.toString(lease)));
      return stored;
    }

    /** The state hash: each field appears once it has been set. */
    Map<String, String> state() {
      var state = new TreeMap<String, String>();
      if (epoch != null) {
        state.put("epoch", epoch);
      }
      if (counter > 0) {
        state.put("counter", Long.toString(counter));
      }
      if (limit != null) {
        state.put("limit", limit.toString());
      }
      if (rebuilt != null) {
        state.put("rebuilt", rebuilt);
      }
      if (expired > 0) {
        state.put("expired", Long.toString(expired));
      }
      if (adopted > 0) {
        state.put("adopted", Long.toString(adopted));
      }
      if (virtualTime != null) {
        state.put("vtime", Long.toString(virtualTime));
      }
      if (adaptiveLimit != null) {
        state.put("adaptive", adaptiveLimit.toString());
      }
      if (acks != null) {
        state.put("adaptive_acks", acks.toString());
      }
      return state;
    }

    private Waiter waiter(String id) {
      return queue.stream().filter(w -> w.id().equals(id)).findFirst().orElse(null);
    }

    private void forget(String id) {
      holders.remove(id);
      handedOn.remove(id);
      refused.remove(id);
    }

    private void dropExpired() {
      var gone =
          holders.entrySet().stream()
              .filter(e -> e.getValue().expiredAt() != null)
              .map(Map.Entry::getKey)
              .toList();
      gone.forEach(this::forget);
      expired += gone.size();
    }

    List<Waiter> queueOf(String tenant) {
      return queue.stream().filter(w -> tenant.equals(tenantOf.get(w.id()))).toList();
    }

    private long costOf(String tenant) {
      return SHARE / weights.getOrDefault(tenant, 1);
    }

    private long now() {
      return virtualTime == null ? 0 : virtualTime;
    }

    /** A tenant that had no waiters starts at the virtual time, or its unused tag if later. */
    private void join(String id, String tenant, long score) {
      queue.add(new Waiter(id, score));
      queuedAt.put(id, score);
      tenantOf.put(id, tenant);
      if (!backlog.containsKey(tenant)) {
        var unused = finish.remove(tenant);
        backlog.put(tenant, Math.max(now(), unused == null ? 0 : unused));
        waitingSince.put(tenant, grantLog.size());
      }
    }

    private void settle(String tenant, long tag) {
      if (!queueOf(tenant).isEmpty()) {
        backlog.put(tenant, tag);
        return;
      }
      backlog.remove(tenant);
      waitingSince.remove(tenant);
      if (tag > now()) {
        finish.put(tenant, tag);
      }
    }

    private void removeWaiter(Waiter waiter) {
      queue.remove(waiter);
      leases.remove(waiter.id());
      var tenant = tenantOf.remove(waiter.id());
      var tag = backlog.get(tenant);
      if (tag != null) {
        settle(tenant, tag);
      }
    }

    /** The waiter granted next: the head of the waiting tenant with the smallest start tag. */
    private Waiter popNextWaiter() {
      var next =
          backlog.entrySet().stream()
              .min(
                  Map.Entry.<String, Long>comparingByValue()
                      .thenComparing(Map.Entry.comparingByKey()))
              .orElseThrow();
      var tenant = next.getKey();
      long start = next.getValue();
      var head = queueOf(tenant).get(0);
      queue.remove(head);
      tenantOf.remove(head.id());
      virtualTime = start;
      finish.values().removeIf(tag -> tag <= start);
      grantLog.add(tenant);
      checkFairShare(tenant);
      settle(tenant, start + costOf(tenant));
      return head;
    }

    /**
     * 6. Since both began waiting, the tenant just granted and any other still waiting have been
     * served within one task each (scaled by weight) of their weighted shares.
     */
    private void checkFairShare(String tenant) {
      waitingSince.forEach(
          (other, since) -> {
            if (other.equals(tenant)) {
              return;
            }
            var window =
                grantLog.subList(Math.max(since, waitingSince.get(tenant)), grantLog.size());
            long served = window.stream().filter(tenant::equals).count() * costOf(tenant);
            long otherServed = window.stream().filter(other::equals).count() * costOf(other);
            assertThat(Math.abs(served - otherServed))
                .as(
                    "grants of '%s' and '%s' since both wait, scaled by weight %s: %s",
                    tenant, other, weights, window)
                .isLessThanOrEqualTo(costOf(tenant) + costOf(other));
          });
    }

    /** Hands free slots to the waiters, one after the other, each tenant in its turn. */
    private List<HeldSlot> grant(int limit, Window now) {
      var handed = new ArrayList<HeldSlot>();
      while (holders.size() < limit && !queue.isEmpty()) {
        var head = popNextWaiter();
        var token = epoch + ":" + ++counter;
        assertThat(issued.add(token)).as("%s is handed out once", token).isTrue();
        var lease = leases.remove(head.id());
        holders.put(
            head.id(),
            new Holder(token, lease == null ? 600_000 : lease, now, null, Origin.GRANTED, limit));
        handedOn.add(head.id());
        handed.add(new SlotTask(algorithm, head.id()).holding(token));
      }
      return handed;
    }
  }
}
