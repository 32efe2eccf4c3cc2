package io.algotask.adapters.slots;

import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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

  /** Until when this process holds the lease as far as it knows (System.nanoTime()). */
  private volatile long heldUntilNanos = System.nanoTime();

  public ReconcilerLease(RedisConnection redis, SlotProperties properties, MeterRegistry meters) {
    this.redis = redis;
    this.key = properties.keyPrefix() + "reconciler";
    // with several worker-apps, exactly one shows 1: the one whose reconciler runs
    Gauge.builder("algotask.reconciler.lease", this, lease -> lease.isHeld() ? 1 : 0)
        .description("1 while this process holds the slot reconciler's lease, else 0")
        .register(meters);
  }

  /** Takes the lease, or renews it if this process holds it; false when another one does. */
  public boolean hold(Duration ttl) {
    var asked = System.nanoTime();
    var reply = TAKE_OR_RENEW.run(redis, new String[] {key}, holder, Long.toString(ttl.toMillis()));
    var held = reply.number() == 1L;
    heldUntilNanos = held ? asked + ttl.toNanos() : asked;
    return held;
  }

  /** Whether this process held the lease at its last take or renewal, and it has not expired. */
  public boolean isHeld() {
    return heldUntilNanos - System.nanoTime() > 0;
  }
}
