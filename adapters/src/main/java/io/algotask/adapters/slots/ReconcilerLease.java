package io.algotask.adapters.slots;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
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
  private static final String TAKE_OR_RENEW =
      """
      if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      end
      return 0
      """;

  private final StatefulRedisConnection<String, String> redis;
  private final String key;
  private final String holder = UUID.randomUUID().toString();

  public ReconcilerLease(StatefulRedisConnection<String, String> redis, SlotProperties properties) {
    this.redis = redis;
    this.key = properties.keyPrefix() + "reconciler";
  }

  /** Takes the lease, or renews it if this process holds it; false when another one does. */
  public boolean hold(Duration ttl) {
    Long held =
        redis
            .sync()
            .eval(
                TAKE_OR_RENEW,
                ScriptOutputType.INTEGER,
                new String[] {key},
                holder,
                Long.toString(ttl.toMillis()));
    return held != null && held == 1L;
  }
}
