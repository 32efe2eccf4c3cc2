package io.algotask.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attempts accepted lately, by (taskId, attempt): recognises repeated deliveries and finds
 * attempts to cancel. An attempt is remembered while it holds its slot and for a minute after, so
 * memory stays bounded by the work in flight, not by the history.
 */
final class AttemptRegistry {
  private final Map<AttemptKey, Attempt> attempts = new ConcurrentHashMap<>();

  Attempt find(AttemptKey key) {
    return attempts.get(key);
  }

  /**
   * @return null if {@code attempt} was added, else the attempt already there (a duplicate)
   */
  Attempt addIfAbsent(Attempt attempt) {
    return attempts.putIfAbsent(attempt.key(), attempt);
  }

  void forgetOldAttempts() {
    forgetOldAttempts(System.nanoTime());
  }

  void forgetOldAttempts(long nowNanos) {
    attempts.values().removeIf(attempt -> attempt.canBeForgotten(nowNanos));
  }
}
