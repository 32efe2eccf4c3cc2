package io.algotask.adapters.slots;

import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.temporal.TaskSignals;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The semaphore's operations, each followed by waking exactly the waiters it granted a slot to. The
 * limit always comes from the registry; a changed limit is applied as soon as this process sees it,
 * so a raise hands the new slots to waiting tasks at once.
 */
@Component
public class SlotHandOff {
  private static final Logger log = LoggerFactory.getLogger(SlotHandOff.class);

  private final SlotSemaphore semaphore;
  private final AlgorithmRegistry registry;
  private final TaskSignals signals;
  private final MeterRegistry meters;

  SlotHandOff(
      SlotSemaphore semaphore,
      AlgorithmRegistry registry,
      TaskSignals signals,
      MeterRegistry meters) {
    this.semaphore = semaphore;
    this.registry = registry;
    this.signals = signals;
    this.meters = meters;
    registry.onChange(settings -> applyLimit(settings.name()));
  }

  public SlotSemaphore.Acquisition acquire(
      String algorithm, String taskId, int priority, Instant arrival, Duration holdFor) {
    var acquisition =
        semaphore.acquire(algorithm, taskId, priority, arrival, holdFor, limitOf(algorithm));
    if (acquisition.granted()) {
      countGrants(algorithm, "at-once", 1);
    }
    wake(algorithm, acquisition.othersGranted());
    return acquisition;
  }

  /** Returns whether the token still named the task's slot. */
  public boolean release(String algorithm, String taskId, String token) {
    var release = semaphore.release(algorithm, taskId, token, limitOf(algorithm));
    wake(algorithm, release.othersGranted());
    return release.freed();
  }

  /** Returns whether the task was waiting or holding, and is gone now. */
  public boolean leave(String algorithm, String taskId) {
    var departure = semaphore.leave(algorithm, taskId, limitOf(algorithm));
    wake(algorithm, departure.othersGranted());
    return departure.kind() != SlotSemaphore.Departure.Kind.ABSENT;
  }

  /**
   * The holder is about to use its slot: the lease is kept beyond the hold's expected end, and the
   * time since a hand-off is measured. A slot found lost (its lease ran out) is logged and counted:
   * the task goes on, and the over-admission shows. One granted before Redis lost its state is
   * counted again, as a repair.
   */
  public void claim(String algorithm, String taskId, String token, Duration holdFor) {
    var claim = semaphore.claim(algorithm, taskId, token, holdFor);
    switch (claim.kind()) {
      case HELD -> {
        if (claim.sinceHandOff() != null) {
          Timer.builder("algotask.slots.handoff")
              .description("From a slot handed on to a waiter to that task's first invocation")
              .tag("algorithm", algorithm)
              .publishPercentileHistogram()
              .register(meters)
              .record(claim.sinceHandOff());
        }
      }
      case ADOPTED -> {
        log.warn("task {} brought back its slot {} of {}, lost by Redis", taskId, token, algorithm);
        countRepair(algorithm, "slot-adopted", 1);
      }
      case LOST -> {
        log.warn("task {} no longer holds its slot {} of {}", taskId, token, algorithm);
        meters.counter("algotask.slots.lost", "algorithm", algorithm).increment();
      }
    }
  }

  /** Applies the registry's current limit: a raise grants waiting tasks at once. */
  public void applyLimit(String algorithm) {
    wake(algorithm, semaphore.resize(algorithm, limitOf(algorithm)));
  }

  /**
   * Puts back what Redis lost from the records, in calls of at most {@code chunkSize} tasks, and
   * wakes the tasks granted the slots left.
   *
   * @param goOn asked between calls: false leaves the rebuild undone, for the next pass
   */
  public SlotSemaphore.Rebuilt rebuild(
      String algorithm,
      String epoch,
      List<SlotSemaphore.Entry> entries,
      int chunkSize,
      BooleanSupplier goOn) {
    var rebuilt = semaphore.rebuild(algorithm, limitOf(algorithm), epoch, entries, chunkSize, goOn);
    wake(algorithm, rebuilt.granted());
    return rebuilt;
  }

  /** Signals a grant again (the first signal was lost, or never sent). */
  public void resignal(SlotGrant grant) {
    signal(grant);
  }

  /** Repairs of the slots, by kind: each one is logged where it is made. */
  public void countRepair(String algorithm, String kind, long count) {
    if (count > 0) {
      meters
          .counter("algotask.slots.repairs", "algorithm", algorithm, "kind", kind)
          .increment(count);
    }
  }

  public int limitOf(String algorithm) {
    return registry.require(algorithm).maxConcurrency();
  }

  /** Grants made at once to the asking task, or handed on to waiters by a freed slot. */
  private void countGrants(String algorithm, String how, int count) {
    if (count > 0) {
      meters.counter("algotask.slots.grants", "algorithm", algorithm, "how", how).increment(count);
    }
  }

  /**
   * The grant is already written in Redis; the signal only tells the workflow. One that fails is
   * logged and must not undo the operation that made it.
   */
  private void wake(String algorithm, List<SlotGrant> grants) {
    countGrants(algorithm, "handed-on", grants.size());
    for (var grant : grants) {
      signal(grant);
    }
  }

  private void signal(SlotGrant grant) {
    try {
      signals.slotGranted(grant.taskId(), grant.token());
    } catch (RuntimeException e) {
      // the reconciler signals an unclaimed grant again
      log.warn(
          "could not tell task {} of its slot {}: {}", grant.taskId(), grant.token(), e.toString());
    }
  }
}
