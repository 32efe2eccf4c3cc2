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
import java.util.List;
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

  private final StatefulRedisConnection<String, String> redis;
  private final SlotProperties properties;
  private final Script acquire = new Script("acquire");
  private final Script release = new Script("release");
  private final Script leave = new Script("leave");
  private final Script renew = new Script("renew");

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
    var score = arrival.toEpochMilli() + (priority - 1L) * properties.priorityStep().toMillis();
    List<Object> reply =
        acquire.run(
            algorithm,
            taskId,
            Long.toString(score),
            Integer.toString(limit),
            Long.toString(leaseOf(holdFor).toMillis()));
    var token = (String) reply.get(0);
    var position = (Long) reply.get(1);
    return new Acquisition(token.isEmpty() ? null : token, position, grants(reply, 2));
  }

  /** Frees the slot the token names, if it is still that task's, and hands free slots on. */
  public List<SlotGrant> release(String algorithm, String taskId, String token, int limit) {
    return grants(release.run(algorithm, taskId, token, Integer.toString(limit)), 0);
  }

  /** Leaves the queue; a slot granted in the meantime is given back and handed on. */
  public Departure leave(String algorithm, String taskId, int limit) {
    List<Object> reply = leave.run(algorithm, taskId, Integer.toString(limit));
    return new Departure(Departure.Kind.valueOf((String) reply.get(0)), grants(reply, 1));
  }

  /**
   * Moves a holder's lease so that it outlives the hold's new expected end (plus the margin), if
   * the token still names the task's slot.
   *
   * @return false when the slot is no longer the task's (its lease ran out, or Redis lost it)
   */
  public boolean renew(String algorithm, String taskId, String token, Duration holdFor) {
    List<Object> reply =
        renew.run(algorithm, taskId, token, Long.toString(leaseOf(holdFor).toMillis()));
    return Long.valueOf(1).equals(reply.get(0));
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

  /** The keys of one algorithm, all under one hash tag so that they live in one cluster slot. */
  private String[] keys(String algorithm) {
    var prefix = properties.keyPrefix() + "{" + algorithm + "}:";
    return new String[] {
      prefix + "holders", prefix + "tokens", prefix + "waiters", prefix + "leases", prefix + "state"
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
