package io.algotask.worker.reconciler;

import io.algotask.adapters.slots.HeldSlot;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When an unclaimed grant is due to be signalled again: first at once, then after an interval that
 * doubles with each try up to a cap. Every signal is an event in the workflow's history, so a grant
 * that stays unclaimed through a long outage must not be signalled at a steady pace.
 */
final class ResignalBackoff {
  private record Next(long atNanos, Duration interval) {}

  private final Duration first;
  private final Duration cap;
  private final LongSupplier nanoTime;
  private final Map<String, Map<HeldSlot, Next>> byAlgorithm = new ConcurrentHashMap<>();

  ResignalBackoff(Duration first, Duration cap, LongSupplier nanoTime) {
    this.first = first;
    this.cap = cap.compareTo(first) < 0 ? first : cap;
    this.nanoTime = nanoTime;
  }

  /** Whether the grant is due a try now. */
  boolean due(HeldSlot grant) {
    var next = grants(grant.algorithm()).get(grant);
    return next == null || nanoTime.getAsLong() - next.atNanos() >= 0;
  }

  /** The grant was tried now (signalled, or found held): the next try waits twice as long. */
  void tried(HeldSlot grant) {
    grants(grant.algorithm())
        .compute(
            grant,
            (g, previous) -> {
              var interval = previous == null ? first : doubled(previous.interval());
              return new Next(nanoTime.getAsLong() + interval.toNanos(), interval);
            });
  }

  /** The interval the grant waits now before its next try, or null when it was never tried. */
  Duration intervalOf(HeldSlot grant) {
    var next = grants(grant.algorithm()).get(grant);
    return next == null ? null : next.interval();
  }

  /** Forgets the algorithm's grants that are no longer unclaimed (claimed, freed or handed on). */
  void retainOnly(String algorithm, Collection<HeldSlot> unclaimed) {
    var keep = new HashSet<>(unclaimed);
    grants(algorithm).keySet().removeIf(grant -> !keep.contains(grant));
  }

  private Duration doubled(Duration interval) {
    var twice = interval.multipliedBy(2);
    return twice.compareTo(cap) > 0 ? cap : twice;
  }

  private Map<HeldSlot, Next> grants(String algorithm) {
    return byAlgorithm.computeIfAbsent(algorithm, a -> new ConcurrentHashMap<>());
  }
}
