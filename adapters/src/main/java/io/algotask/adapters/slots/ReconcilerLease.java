package io.algotask.adapters.slots;

import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Which process reconciles the slots: a lease in Redis, held by one process at a time and renewed
 * on each pass. Its loss only means two may run for a moment, which the reconciler's operations
 * allow.
 */
@Component
public class ReconcilerLease {
  private static final RedisScript TAKE_OR_RENEW =
      RedisScript.fromClasspath(
          "reconciler-lease", ScriptOutputType.INTEGER, "slots/reconciler-lease.lua");

  private final RedisConnection redis;
  private final String key;
  private final String holder = UUID.randomUUID().toString();

  public ReconcilerLease(RedisConnection redis, SlotProperties properties) {
    this.redis = redis;
    this.key = properties.keyPrefix() + "reconciler";
  }

  /** Takes the lease, or renews it if this process holds it; false when another one does. */
  public boolean hold(Duration ttl) {
    var reply = TAKE_OR_RENEW.run(redis, new String[] {key}, holder, Long.toString(ttl.toMillis()));
    return reply.number() == 1L;
  }
}
