package io.algotask.adapters.slots;

import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.redis.RedisScript;
import io.algotask.adapters.redis.ScriptReply;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The concurrency slots of each algorithm, shared by every worker through Redis. Each operation is
 * one Lua script: it decides and hands on slots atomically, with time taken from Redis, and returns
 * the grants it made so that the caller can wake exactly those waiters. Each reply has a decoder of
 * its own next to the record it decodes into.
 */
public class SlotSemaphore {

  /**
   * The answer to an acquire: a token when this task holds a slot, else its place in the queue; and
   * the limit in force as it asked.
   */
  public record Acquisition(String token, long position, int limit, List<HeldSlot> othersGranted) {
    public boolean granted() {
      return token != null;
    }

    /** {own token or '', place in the queue or -1, limit in force, ...grants to others} */
    static Acquisition decode(String algorithm, ScriptReply reply) {
      var token = reply.text(0);
      return new Acquisition(
          token.isEmpty() ? null : token,
          reply.number(1),
          (int) reply.number(2),
          grants(algorithm, reply, 3));
    }
  }

  /**
   * The answer to a congestion signal: the limit in force after it.
   *
   * @param cut whether this signal decreased the limit
   */
  public record Congestion(int limit, boolean cut) {
    /** What the signal did. */
    enum Kind {
      /** the adaptive limit was decreased */
      CUT,
      /** the adaptive limit stays (no new refusal this window, at its minimum, or an echo) */
      HELD,
      /** the limit is fixed */
      FIXED
    }

    /** {limit in force, 'CUT' | 'HELD' | 'FIXED'} */
    static Congestion decode(ScriptReply reply) {
      return new Congestion((int) reply.number(0), reply.oneOf(1, Kind.class) == Kind.CUT);
    }
  }

  /** The answer to a release: whether the token still named a slot, and who got freed slots. */
  public record Release(boolean freed, List<HeldSlot> othersGranted) {
    /** What release found. */
    enum Kind {
      FREED,
      NOT_HELD
    }

    /** {'FREED' | 'NOT_HELD', ...grants} */
    static Release decode(String algorithm, ScriptReply reply) {
      return new Release(reply.oneOf(0, Kind.class) == Kind.FREED, grants(algorithm, reply, 1));
    }
  }

  /** The answer to leaving the queue. */
  public record Departure(Kind kind, List<HeldSlot> othersGranted) {
    /** What leaving found. */
    public enum Kind {
      /** it was waiting, and is gone */
      LEFT,
      /** it had just been granted a slot, and gave it back */
      GAVE_BACK,
      /** it was neither waiting nor holding */
      ABSENT
    }

    /** {'LEFT' | 'GAVE_BACK' | 'ABSENT', ...grants} */
    static Departure decode(String algorithm, ScriptReply reply) {
      return new Departure(reply.oneOf(0, Kind.class), grants(algorithm, reply, 1));
    }
  }

  /** The answer to a claim: whether the holder still has its slot. */
  public record Claim(Kind kind, Duration sinceHandOff) {
    /** What the claim found. */
    public enum Kind {
      /** the slot is the task's, its lease renewed */
      HELD,
      /** a slot of an earlier epoch, lost with Redis's state, is counted again under its token */
      ADOPTED,
      /** the slot is gone (its lease ran out): the task runs beyond the limit */
      LOST
    }

    /** Whether the task's slot is counted in Redis now. */
    public boolean holds() {
      return kind != Kind.LOST;
    }

    /** {'HELD' | 'ADOPTED' | 'LOST', ms since a hand-off or -1} */
    static Claim decode(ScriptReply reply) {
      var sinceHandOff = reply.number(1);
      return new Claim(
          reply.oneOf(0, Kind.class), sinceHandOff < 0 ? null : Duration.ofMillis(sinceHandOff));
    }
  }

  /**
   * A task the records show running (with its slot's token) or waiting (in its tenant's queue), to
   * put back after Redis lost its state.
   */
  public record Entry(
      boolean holding, String taskId, String tokenOrScore, Duration lease, String tenant) {
    public static Entry holder(String taskId, String token, Duration lease) {
      return new Entry(true, taskId, token, lease, NO_TENANT);
    }

    public static Entry waiter(String taskId, String tenant, long queueScore, Duration lease) {
      return new Entry(false, taskId, Long.toString(queueScore), lease, tenantOrNone(tenant));
    }

    /** A waiter of no tenant: it shares the tenant-less queue. */
    public static Entry waiter(String taskId, long queueScore, Duration lease) {
      return waiter(taskId, NO_TENANT, queueScore, lease);
    }
  }

  /** What a rebuild put back, and the grants it made with the slots left over. */
  public record Rebuilt(boolean done, long holdersBack, long waitersBack, List<HeldSlot> granted) {}

  /**
   * The answer to one call of the rebuild script.
   *
   * @param granted the grants, made by the last call only
   */
  record RebuiltChunk(
      RebuiltChunk.Kind kind, long holdersBack, long waitersBack, List<HeldSlot> granted) {
    /** What the call did. */
    enum Kind {
      /** the last call: the epoch is marked rebuilt */
      REBUILT,
      /** a call before the last one put its tasks back */
      PUT_BACK,
      /** the epoch changed since the records were read: nothing done */
      STALE
    }

    /** {'REBUILT' | 'PUT_BACK' | 'STALE', holders put back, waiters put back, ...grants} */
    static RebuiltChunk decode(String algorithm, ScriptReply reply) {
      return new RebuiltChunk(
          reply.oneOf(0, Kind.class),
          reply.number(1),
          reply.number(2),
          grants(algorithm, reply, 3));
    }
  }

  /**
   * One algorithm's semaphore as the reconciler sees it.
   *
   * @param epoch the current epoch; a new one means Redis lost the state
   * @param rebuiltEpoch the epoch last rebuilt from the records, or null
   * @param leasesExpired how many leases have run out since the epoch began
   * @param slotsAdopted how many slots of an earlier epoch their holders brought back
   */
  public record Inspection(
      String epoch,
      String rebuiltEpoch,
      long leasesExpired,
      long slotsAdopted,
      List<HeldSlot> holders,
      List<HeldSlot> unclaimed) {
    public boolean needsRebuild() {
      return !epoch.equals(rebuiltEpoch);
    }

    /**
     * {epoch, epoch last rebuilt or '', leases expired, slots adopted, number of holders,
     * {holders}, {unclaimed grants}}
     */
    static Inspection decode(String algorithm, ScriptReply reply) {
      var rebuilt = reply.text(1);
      return new Inspection(
          reply.text(0),
          rebuilt.isEmpty() ? null : rebuilt,
          reply.number(2),
          reply.number(3),
          grants(algorithm, reply.list(5), 0),
          grants(algorithm, reply.list(6), 0));
    }
  }

  /**
   * The tenant of waiters that have none: those queued before tenants were kept, and callers that
   * name none. Its queue is one tenant of weight 1 like any other.
   */
  public static final String NO_TENANT = "";

  private final RedisConnection redis;
  private final SlotProperties properties;
  private final RedisScript acquire = script("acquire");
  private final RedisScript release = script("release");
  private final RedisScript leave = script("leave");
  private final RedisScript claim = script("claim");
  private final RedisScript resize = script("resize");
  private final RedisScript rebuild = script("rebuild");
  private final RedisScript inspect = script("inspect");
  private final RedisScript congestion = script("congestion");
  private final RedisScript position = script("position");

  public SlotSemaphore(RedisConnection redis, SlotProperties properties) {
    this.redis = redis;
    this.properties = properties;
  }

  /**
   * Takes a free slot, or joins the queue of its tenant. Free slots go to the tenants in turn by
   * weight (start-time fair queuing): each grant goes to the tenant with waiters whose next grant
   * has the smallest start tag, which then moves one share, {@code 1 / weight}, further; a tenant
   * that had no waiters starts at the tag of the latest grant (or its own unused one, if later), so
   * an idle tenant banks no credit. Within a tenant, the queue is ordered by arrival, each priority
   * level below 1 counting as one {@link SlotProperties#priorityStep() step} of later arrival:
   * urgent tasks go first, within a priority the earlier arrival goes first, and a less urgent task
   * that has waited long enough is not overtaken any more. A task that asks again (a retried
   * attempt) keeps its place, and a holder asking again keeps its slot with a renewed lease.
   *
   * @param holdFor the longest legitimate hold; the lease adds a margin to it
   * @param tenantWeights the weights of the algorithm's tenants; a tenant absent weighs 1
   * @return the grant, or the place in the tenant's queue (tasks of its tenant ahead of it)
   */
  public Acquisition acquire(
      SlotTask task,
      String tenant,
      int priority,
      Instant arrival,
      Duration holdFor,
      SlotLimit limit,
      Map<String, Integer> tenantWeights) {
    var reply =
        run(
            acquire,
            task.algorithm(),
            task.taskId(),
            Long.toString(queueScore(priority, arrival)),
            limit.argument(),
            Long.toString(leaseOf(holdFor).toMillis()),
            tenantOrNone(tenant),
            encode(tenantWeights));
    return Acquisition.decode(task.algorithm(), reply);
  }

  /** Takes a free slot or joins the queue, for a task of no tenant among tenants of weight 1. */
  public Acquisition acquire(
      SlotTask task, int priority, Instant arrival, Duration holdFor, int limit) {
    return acquire(task, NO_TENANT, priority, arrival, holdFor, SlotLimit.fixed(limit), Map.of());
  }

  /** Frees the slot the token names, if it is still that task's, and hands free slots on. */
  public Release release(HeldSlot slot, SlotLimit limit, Map<String, Integer> tenantWeights) {
    var reply =
        run(
            release,
            slot.algorithm(),
            slot.taskId(),
            slot.token(),
            limit.argument(),
            encode(tenantWeights));
    return Release.decode(slot.algorithm(), reply);
  }

  /** Frees the slot the token names, handing free slots on among tenants of weight 1. */
  public Release release(HeldSlot slot, int limit) {
    return release(slot, SlotLimit.fixed(limit), Map.of());
  }

  /** Leaves the queue; a slot granted in the meantime is given back and handed on. */
  public Departure leave(SlotTask task, SlotLimit limit, Map<String, Integer> tenantWeights) {
    var reply =
        run(leave, task.algorithm(), task.taskId(), limit.argument(), encode(tenantWeights));
    return Departure.decode(task.algorithm(), reply);
  }

  /** Leaves the queue, handing free slots on among tenants of weight 1. */
  public Departure leave(SlotTask task, int limit) {
    return leave(task, SlotLimit.fixed(limit), Map.of());
  }

  /**
   * The holder is using its slot: its lease moves so that it outlives the hold's new expected end
   * (plus the margin), and a slot handed on to it stops being a grant to signal again. A slot of an
   * earlier epoch (Redis lost its state since the grant) is counted again under its token.
   */
  public Claim claim(HeldSlot slot, Duration holdFor) {
    var reply =
        run(
            claim,
            slot.algorithm(),
            slot.taskId(),
            slot.token(),
            Long.toString(leaseOf(holdFor).toMillis()));
    return Claim.decode(reply);
  }

  /** Applies a changed limit: a raise grants waiters at once, a lowering interrupts nobody. */
  public List<HeldSlot> resize(
      String algorithm, SlotLimit limit, Map<String, Integer> tenantWeights) {
    return grants(algorithm, run(resize, algorithm, limit.argument(), encode(tenantWeights)), 0);
  }

  /** Applies a changed limit, handing free slots on among tenants of weight 1. */
  public List<HeldSlot> resize(String algorithm, int limit) {
    return resize(algorithm, SlotLimit.fixed(limit), Map.of());
  }

  /**
   * The algorithm showed congestion other than a refusal (an attempt out of time, a long queue): an
   * adaptive limit is decreased, one episode per window; a fixed one stays.
   */
  public Congestion congested(String algorithm, SlotLimit limit) {
    return refused(new SlotTask(algorithm, ""), limit);
  }

  /**
   * The algorithm refused the task's invocation (429, 503): an adaptive limit is decreased, its
   * first signal in a window by the backoff, and each holder refused for the first time within it
   * down to the holders the algorithm has not refused; a fixed one stays.
   */
  public Congestion refused(SlotTask task, SlotLimit limit) {
    return Congestion.decode(run(congestion, task.algorithm(), limit.argument(), task.taskId()));
  }

  /** The algorithm took the invocation of a task it had refused: it counts as taken again. */
  public void takenAfterRefusal(SlotTask task) {
    redis.sync().hdel(keys(task.algorithm()).refused(), task.taskId());
  }

  /**
   * Puts back what the records say after Redis lost the algorithm's state, if the epoch is still
   * the one inspected; tasks present in Redis are left as they are. Marks the epoch rebuilt. All in
   * one script call: see the chunked overload for many tasks.
   */
  public Rebuilt rebuild(String algorithm, int limit, String epoch, List<Entry> entries) {
    return rebuild(
        algorithm,
        SlotLimit.fixed(limit),
        Map.of(),
        epoch,
        entries,
        Math.max(1, entries.size()),
        () -> true);
  }

  /**
   * Like the one-call rebuild, with the same end state, but in calls of at most {@code chunkSize}
   * tasks each, so that Redis serves other clients in between (one script holds it for its whole
   * run). Holders go first, then waiters in queue order; the last call marks the epoch rebuilt and
   * grants the slots left over.
   *
   * @param goOn asked before each further call; false stops the rebuild undone (the next pass
   *     starts it over, and what was put back already is left as it is)
   */
  public Rebuilt rebuild(
      String algorithm,
      SlotLimit limit,
      Map<String, Integer> tenantWeights,
      String epoch,
      List<Entry> entries,
      int chunkSize,
      BooleanSupplier goOn) {
    var ordered = new ArrayList<>(entries);
    ordered.sort(
        Comparator.comparing((Entry entry) -> !entry.holding())
            .thenComparingLong(
                entry -> entry.holding() ? 0 : Long.parseLong(entry.tokenOrScore())));
    long holdersBack = 0;
    long waitersBack = 0;
    var from = 0;
    do {
      if (from > 0 && !goOn.getAsBoolean()) {
        return new Rebuilt(false, holdersBack, waitersBack, List.of());
      }
      var to = Math.min(ordered.size(), from + Math.max(1, chunkSize));
      var last = to == ordered.size();
      var chunk = ordered.subList(from, to);
      var args = new ArrayList<String>(4 + chunk.size() * 5);
      args.add(limit.argument());
      args.add(epoch);
      args.add(last ? "1" : "0");
      args.add(encode(tenantWeights));
      for (var entry : chunk) {
        args.add(entry.holding() ? "H" : "W");
        args.add(entry.taskId());
        args.add(entry.tokenOrScore());
        args.add(Long.toString(leaseOf(entry.lease()).toMillis()));
        args.add(entry.tenant());
      }
      var reply =
          RebuiltChunk.decode(algorithm, run(rebuild, algorithm, args.toArray(String[]::new)));
      holdersBack += reply.holdersBack();
      waitersBack += reply.waitersBack();
      if (reply.kind() == RebuiltChunk.Kind.STALE) {
        return new Rebuilt(false, holdersBack, waitersBack, List.of());
      }
      if (last) {
        return new Rebuilt(
            reply.kind() == RebuiltChunk.Kind.REBUILT, holdersBack, waitersBack, reply.granted());
      }
      from = to;
    } while (true);
  }

  /** Frees expired leases and reads what the reconciler checks, in one step. */
  public Inspection inspect(String algorithm, Duration claimTimeout) {
    var reply = run(inspect, algorithm, Long.toString(claimTimeout.toMillis()));
    return Inspection.decode(algorithm, reply);
  }

  /**
   * The task's place in its tenant's queue (0 = next of its tenant; the other tenants' tasks are
   * granted in between by weight), or empty when it is not waiting.
   */
  public OptionalLong position(SlotTask task) {
    var rank = run(position, task.algorithm(), task.taskId()).number(0);
    return rank < 0 ? OptionalLong.empty() : OptionalLong.of(rank);
  }

  /** A page of the queue of every tenant, in queue score order, from the given place. */
  public List<String> waiters(String algorithm, long from, int count) {
    return redis.sync().zrange(keys(algorithm).waiters(), from, from + count - 1);
  }

  /**
   * The queue order: arrival in microseconds, each priority level below 1 counting as one step of
   * later arrival. Microseconds keep tasks that arrive within one millisecond in arrival order.
   */
  public long queueScore(int priority, Instant arrival) {
    var micros = arrival.getEpochSecond() * 1_000_000L + arrival.getNano() / 1_000;
    return micros + (priority - 1L) * properties.priorityStep().toNanos() / 1_000;
  }

  /** The limit the semaphore applies now, or empty before its first operation. */
  public OptionalInt limit(String algorithm) {
    var limit = redis.sync().hget(keys(algorithm).state(), "limit");
    return limit == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(limit));
  }

  /** The tasks holding a slot of the algorithm now. */
  public long holders(String algorithm) {
    return redis.sync().zcard(keys(algorithm).holders());
  }

  /** The tasks waiting for a slot of the algorithm now. */
  public long waiters(String algorithm) {
    return redis.sync().zcard(keys(algorithm).waiters());
  }

  /**
   * The weights as the scripts read them: {@code tenant=weight,...}, those of weight 1 left out.
   */
  static String encode(Map<String, Integer> tenantWeights) {
    if (tenantWeights == null || tenantWeights.isEmpty()) {
      return "";
    }
    return new TreeMap<>(tenantWeights)
        .entrySet().stream()
            .filter(weight -> weight.getValue() != 1)
            .map(weight -> weight.getKey() + "=" + weight.getValue())
            .collect(Collectors.joining(","));
  }

  private static String tenantOrNone(String tenant) {
    return tenant == null ? NO_TENANT : tenant;
  }

  private Duration leaseOf(Duration holdFor) {
    return holdFor.plus(properties.leaseMargin());
  }

  /** The grants a reply lists from the position on, as {task id, token} pairs. */
  private static List<HeldSlot> grants(String algorithm, ScriptReply reply, int from) {
    return reply.pairsFrom(from, (taskId, token) -> new SlotTask(algorithm, taskId).holding(token));
  }

  /** The keys of one algorithm's slots. */
  public SlotKeys keys(String algorithm) {
    return SlotKeys.of(properties.keyPrefix(), algorithm);
  }

  private ScriptReply run(RedisScript script, String algorithm, String... args) {
    return script.run(redis, keys(algorithm).all(), args);
  }

  /** Each slot script is the shared functions, then the adaptive limit's, followed by its own. */
  private static RedisScript script(String name) {
    return RedisScript.fromClasspath(
        name,
        ScriptOutputType.MULTI,
        "slots/common.lua",
        "slots/adaptive.lua",
        "slots/" + name + ".lua");
  }
}
