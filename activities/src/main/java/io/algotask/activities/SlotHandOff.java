package io.algotask.activities;

import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.slots.SlotGrant;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.temporal.TaskSignals;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The semaphore's operations, each followed by waking exactly the waiters it granted a slot to. The
 * limit always comes from the registry, so a changed limit takes effect at the next operation.
 */
@Component
class SlotHandOff {
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
  }

  SlotSemaphore.Acquisition acquire(
      String algorithm, String taskId, int priority, Instant arrival, Duration holdFor) {
    var acquisition =
        semaphore.acquire(algorithm, taskId, priority, arrival, holdFor, limitOf(algorithm));
    if (acquisition.granted()) {
      countGrants(algorithm, "at-once", 1);
    }
    wake(algorithm, acquisition.othersGranted());
    return acquisition;
  }

  void leave(String algorithm, String taskId) {
    wake(algorithm, semaphore.leave(algorithm, taskId, limitOf(algorithm)).othersGranted());
  }

  void release(String algorithm, String taskId, String token) {
    wake(algorithm, semaphore.release(algorithm, taskId, token, limitOf(algorithm)));
  }

  /**
   * Keeps the lease of a held slot beyond the hold's expected end. A slot found lost (its lease ran
   * out, or Redis lost its state) is logged: the task goes on, and the over-admission shows.
   */
  void renew(String algorithm, String taskId, String token, Duration holdFor) {
    if (!semaphore.renew(algorithm, taskId, token, holdFor)) {
      log.warn("task {} no longer holds its slot {} of {}", taskId, token, algorithm);
      meters.counter("algotask.slots.lost", "algorithm", algorithm).increment();
    }
  }

  /** Grants made at once to the asking task, or handed on to waiters by a freed slot. */
  private void countGrants(String algorithm, String how, int count) {
    if (count > 0) {
      meters.counter("algotask.slots.grants", "algorithm", algorithm, "how", how).increment(count);
    }
  }

  private int limitOf(String algorithm) {
    return registry.require(algorithm).maxConcurrency();
  }

  /**
   * The grant is already written in Redis; the signal only tells the workflow. One that fails is
   * logged and must not undo the operation that made it.
   */
  private void wake(String algorithm, List<SlotGrant> grants) {
    countGrants(algorithm, "handed-on", grants.size());
    for (var grant : grants) {
      try {
        signals.slotGranted(grant.taskId(), grant.token());
      } catch (RuntimeException e) {
        log.warn(
            "could not tell task {} of its slot {}: {}",
            grant.taskId(),
            grant.token(),
            e.toString());
      }
    }
  }
}
