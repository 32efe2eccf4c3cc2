package io.algotask.adapters.slots;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.springframework.core.io.ClassPathResource;

/**
 * The concurrency slots of each algorithm, shared by every worker through Redis. Each operation is
 * one Lua script: it decides and hands on slots atomically, with time taken from Redis, and returns
 * the grants it made so that the caller can wake exactly those waiters.
 */
public class SlotSemaphore {

  /** The answer to an acquire: a token when this task holds a slot, else its place in the queue. */
  public record Acquisition(String token, long position, List<SlotGrant> othersGranted) {
    public boolean granted() {
      return token != null;
    }
  }

  /** The answer to a release: whether the token still named a slot, and who got freed slots. */
  public record Release(boolean freed, List<SlotGrant> othersGranted) {}

  /** The answer to leaving the queue. */
  public record Departure(Kind kind, List<SlotGrant> othersGranted) {
    /** What leaving found. */
    public enum Kind {
      /** it was waiting, and is gone */
      LEFT,
      /** it had just been granted a slot, and gave it back */
      GAVE_BACK,
      /** it was neither waiting nor holding */
      ABSENT
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
  }

  /**
   * A task the records show running (with its slot's token) or waiting, to put back after Redis
   * lost its state.
   */
  public record Entry(boolean holding, String taskId, String tokenOrScore, Duration lease) {
    public static Entry holder(String taskId, String token, Duration lease) {
      return new Entry(true, taskId, token, lease);
    }

    public static Entry waiter(String taskId, long queueScore, Duration lease) {
      return new Entry(false, taskId, Long.toString(queueScore), lease);
    }
  }

  /** What a rebuild put back, and the grants it made with the slots left over. */
  public record Rebuilt(
      boolean done, long holdersBack, long waitersBack, List<SlotGrant> granted) {}

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
      List<SlotGrant> holders,
      List<SlotGrant> unclaimed) {
    public boolean needsRebuild() {
      return !epoch.equals(rebuiltEpoch);
    }
  }

  private final StatefulRedisConnection<String, String> redis;
  private final SlotProperties properties;
  private final Script acquire = new Script("acquire");
  private final Script release = new Script("release");
  private final Script leave = new Script("leave");
  private final Script claim = new Script("claim");
  private final Script resize = new Script("resize");
  private final Script rebuild = new Script("rebuild");
  private final Script inspect = new Script("inspect");

  public SlotSemaphore(StatefulRedisConnection<String, String> redis, SlotProperties properties) {
    this.redis = redis;
    this.properties = properties;
  }

  /**
   * Takes a free slot, or joins the queue. The queue is ordered by arrival, each priority level
   * below 1 counting as one {@link SlotProperties#priorityStep() step} of later arrival: urgent
   * tasks go first, within a priority the earlier arrival goes first, and a less urgent task that
   * has waited long enough is not overtaken any more. A task that asks again (a retried attempt)
   * keeps its place, and a holder asking again keeps its slot with a renewed lease.
   *
   * @param holdFor the longest legitimate hold; the lease adds a margin to it
   */
  public Acquisition acquire(
      String algorithm, String taskId, int priority, Instant arrival, Duration holdFor, int limit) {
    List<Object> reply =
        acquire.run(
            algorithm,
            taskId,
            Long.toString(queueScore(priority, arrival)),
            Integer.toString(limit),
            Long.toString(leaseOf(holdFor).toMillis()));
    var token = (String) reply.get(0);
    var position = (Long) reply.get(1);
    return new Acquisition(token.isEmpty() ? null : token, position, grants(reply, 2));
  }

  /** Frees the slot the token names, if it is still that task's, and hands free slots on. */
  public Release release(String algorithm, String taskId, String token, int limit) {
    List<Object> reply = release.run(algorithm, taskId, token, Integer.toString(limit));
    return new Release("FREED".equals(reply.get(0)), grants(reply, 1));
  }

  /** Leaves the queue; a slot granted in the meantime is given back and handed on. */
  public Departure leave(String algorithm, String taskId, int limit) {
    List<Object> reply = leave.run(algorithm, taskId, Integer.toString(limit));
    return new Departure(Departure.Kind.valueOf((String) reply.get(0)), grants(reply, 1));
  }

  /**
   * The holder is using its slot: its lease moves so that it outlives the hold's new expected end
   * (plus the margin), and a slot handed on to it stops being a grant to signal again. A slot of an
   * earlier epoch (Redis lost its state since the grant) is counted again under its token.
   */
  public Claim claim(String algorithm, String taskId, String token, Duration holdFor) {
    List<Object> reply =
        claim.run(algorithm, taskId, token, Long.toString(leaseOf(holdFor).toMillis()));
    var sinceHandOff = (Long) reply.get(1);
    return new Claim(
        Claim.Kind.valueOf((String) reply.get(0)),
        sinceHandOff < 0 ? null : Duration.ofMillis(sinceHandOff));
  }

  /** Applies a changed limit: a raise grants waiters at once, a lowering interrupts nobody. */
  public List<SlotGrant> resize(String algorithm, int limit) {
    return grants(resize.run(algorithm, Integer.toString(limit)), 0);
  }

  /**
   * Puts back what the records say after Redis lost the algorithm's state, if the epoch is still
   * the one inspected; tasks present in Redis are left as they are. Marks the epoch rebuilt. All in
   * one script call: see the chunked overload for many tasks.
   */
  public Rebuilt rebuild(String algorithm, int limit, String epoch, List<Entry> entries) {
    return rebuild(algorithm, limit, epoch, entries, Math.max(1, entries.size()), () -> true);
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
      int limit,
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
      var args = new ArrayList<String>(3 + chunk.size() * 4);
      args.add(Integer.toString(limit));
      args.add(epoch);
      args.add(last ? "1" : "0");
      for (var entry : chunk) {
        args.add(entry.holding() ? "H" : "W");
        args.add(entry.taskId());
        args.add(entry.tokenOrScore());
        args.add(Long.toString(leaseOf(entry.lease()).toMillis()));
      }
      List<Object> reply = rebuild.run(algorithm, args.toArray(String[]::new));
      holdersBack += (Long) reply.get(1);
      waitersBack += (Long) reply.get(2);
      if ("STALE".equals(reply.get(0))) {
        return new Rebuilt(false, holdersBack, waitersBack, List.of());
      }
      if (last) {
        return new Rebuilt(
            "REBUILT".equals(reply.get(0)), holdersBack, waitersBack, grants(reply, 3));
      }
      from = to;
    } while (true);
  }

  /** Frees expired leases and reads what the reconciler checks, in one step. */
  @SuppressWarnings("unchecked")
  public Inspection inspect(String algorithm, Duration claimTimeout) {
    List<Object> reply = inspect.run(algorithm, Long.toString(claimTimeout.toMillis()));
    var rebuilt = (String) reply.get(1);
    return new Inspection(
        (String) reply.get(0),
        rebuilt.isEmpty() ? null : rebuilt,
        (Long) reply.get(2),
        (Long) reply.get(3),
        grants((List<Object>) reply.get(5), 0),
        grants((List<Object>) reply.get(6), 0));
  }

  /** The task's place in the queue (0 = next), or empty when it is not waiting. */
  public OptionalLong position(String algorithm, String taskId) {
    var rank = redis.sync().zrank(keys(algorithm)[2], taskId);
    return rank == null ? OptionalLong.empty() : OptionalLong.of(rank);
  }

  /** A page of the queue in order, from the given place. */
  public List<String> waiters(String algorithm, long from, int count) {
    return redis.sync().zrange(keys(algorithm)[2], from, from + count - 1);
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
    var limit = redis.sync().hget(keys(algorithm)[4], "limit");
    return limit == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(limit));
  }

  /** The tasks holding a slot of the algorithm now. */
  public long holders(String algorithm) {
    return redis.sync().zcard(keys(algorithm)[0]);
  }

  /** The tasks waiting for a slot of the algorithm now. */
  public long waiters(String algorithm) {
    return redis.sync().zcard(keys(algorithm)[2]);
  }

  private Duration leaseOf(Duration holdFor) {
    return holdFor.plus(properties.leaseMargin());
  }

  private static List<SlotGrant> grants(List<Object> reply, int from) {
    var grants = new ArrayList<SlotGrant>();
    for (int i = from; i + 1 < reply.size(); i += 2) {
      grants.add(new SlotGrant((String) reply.get(i), (String) reply.get(i + 1)));
    }
    return grants;
  }

  /**
   * The keys of one algorithm, all under one hash tag so that they live in one cluster slot.
   * Deleting them is what a loss of Redis's data does to the algorithm.
   */
  public String[] keys(String algorithm) {
    var prefix = properties.keyPrefix() + "{" + algorithm + "}:";
    return new String[] {
      prefix + "holders",
      prefix + "tokens",
      prefix + "waiters",
      prefix + "leases",
      prefix + "state",
      prefix + "granted"
    };
  }

  /** A script run by its SHA, loaded again when Redis has forgotten it (restart, SCRIPT FLUSH). */
  private final class Script {
    private final String source;
    private volatile String sha;

    Script(String name) {
      this.source = read("slots/common.lua") + "\n" + read("slots/" + name + ".lua");
    }

    List<Object> run(String algorithm, String... args) {
      var keys = keys(algorithm);
      var commands = redis.sync();
      if (sha == null) {
        sha = commands.scriptLoad(source);
      }
      try {
        return commands.evalsha(sha, ScriptOutputType.MULTI, keys, args);
      } catch (RedisNoScriptException forgotten) {
        sha = commands.scriptLoad(source);
        return commands.evalsha(sha, ScriptOutputType.MULTI, keys, args);
      }
    }

    private static String read(String path) {
      try (var in = new ClassPathResource(path).getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("missing slot script " + path, e);
      }
    }
  }
}
