package io.algotask.adapters.slots;

import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.temporal.TaskSignals;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The slots of the registered algorithms: each {@link SlotSemaphore} operation at the registry's
 * limit (fixed, or adaptive between its minimum and maximum) and tenant weights (from its copy in
 * this process: no round trip), followed by telling exactly the waiters it granted a slot to, and
 * counted. A changed limit is applied as soon as this process sees it, so a raise hands the new
 * slots to waiting tasks at once.
 */
@Component
public class AlgorithmSlots {
  private static final Logger log = LoggerFactory.getLogger(AlgorithmSlots.class);

  /** The kinds of {@link #countRepair}, each registered at zero for every algorithm. */
  public static final List<String> REPAIR_KINDS =
      List.of(
          "grant-resignalled",
          "holder-freed",
          "lease-expired",
          "over-admitted",
          "rebuilt-holder",
          "rebuilt-waiter",
          "slot-adopted",
          "waiter-removed");

  static final String REPAIRS = "algotask.slots.repairs";

  private final SlotSemaphore semaphore;
  private final AlgorithmRegistry registry;
  private final TaskSignals signals;
  private final MeterRegistry meters;
  private final SlotProperties properties;

  AlgorithmSlots(
      SlotSemaphore semaphore,
      AlgorithmRegistry registry,
      TaskSignals signals,
      MeterRegistry meters,
      SlotProperties properties) {
    this.semaphore = semaphore;
    this.registry = registry;
    this.signals = signals;
    this.meters = meters;
    this.properties = properties;
  }

  /**
   * Follows the registry's changes from now on. Run once this object is whole and before any other
   * bean can use it; the registry, loaded in its own start-up, announces only later changes.
   */
  @PostConstruct
  void followLimitChanges() {
    registry.onChange(settings -> applyLimit(settings.name()));
  }

  /** Takes a free slot or joins the queue of the task's tenant (null: the tenant-less queue). */
  public SlotSemaphore.Acquisition acquire(
      SlotTask task, String tenant, int priority, Instant arrival, Duration holdFor) {
    var algorithm = task.algorithm();
    var acquisition =
        semaphore.acquire(
            task, tenant, priority, arrival, holdFor, slotLimit(algorithm), weightsOf(algorithm));
    if (acquisition.granted()) {
      countGrants(algorithm, "at-once", 1);
    }
    wake(algorithm, acquisition.othersGranted());
    return acquisition;
  }

  /** Returns whether the token still named the task's slot. */
  public boolean release(HeldSlot slot) {
    var algorithm = slot.algorithm();
    var release = semaphore.release(slot, slotLimit(algorithm), weightsOf(algorithm));
    wake(slot.algorithm(), release.othersGranted());
    return release.freed();
  }

  /** Returns whether the task was waiting or holding, and is gone now. */
  public boolean leave(SlotTask task) {
    var algorithm = task.algorithm();
    var departure = semaphore.leave(task, slotLimit(algorithm), weightsOf(algorithm));
    wake(task.algorithm(), departure.othersGranted());
    return departure.kind() != SlotSemaphore.Departure.Kind.ABSENT;
  }

  /**
   * The holder is about to use its slot: the lease is kept beyond the hold's expected end, and the
   * time since a hand-off is measured. A slot found lost (its lease ran out) is logged and counted:
   * the task goes on, and the over-admission shows. One granted before Redis lost its state is
   * counted again, as a repair.
   */
  public void claim(HeldSlot slot, Duration holdFor) {
    var algorithm = slot.algorithm();
    var claim = semaphore.claim(slot, holdFor);
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
        log.warn(
            "task {} brought back its slot {} of {}, lost by Redis",
            slot.taskId(),
            slot.token(),
            algorithm);
        countRepair(algorithm, "slot-adopted", 1);
      }
      case LOST -> {
        log.warn(
            "task {} no longer holds its slot {} of {}", slot.taskId(), slot.token(), algorithm);
        meters.counter("algotask.slots.lost", "algorithm", algorithm).increment();
      }
    }
  }

  /** Applies the registry's current limit: a raise grants waiting tasks at once. */
  public void applyLimit(String algorithm) {
    wake(algorithm, semaphore.resize(algorithm, slotLimit(algorithm), weightsOf(algorithm)));
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
    var rebuilt =
        semaphore.rebuild(
            algorithm, slotLimit(algorithm), weightsOf(algorithm), epoch, entries, chunkSize, goOn);
    wake(algorithm, rebuilt.granted());
    return rebuilt;
  }

  /**
   * The algorithm showed congestion other than a refusal: an attempt ran out of time, or it queued
   * a task too long. An adaptive limit is decreased (one episode per window); a fixed one stays.
   * Off a task's normal path: one script call per signal. A failure is only logged: the signal is
   * advice.
   */
  public void congested(String algorithm, String why) {
    recordCongestion(new SlotTask(algorithm, ""), why);
  }

  /**
   * The algorithm refused the task's invocation (429, 503): as {@link #congested(String, String)},
   * and the refusal counts once towards what the algorithm has shown it takes.
   */
  public void refused(SlotTask task, String why) {
    recordCongestion(task, why);
  }

  /**
   * The algorithm took the invocation of a task it had refused. For an adaptive limit, one call on
   * this path only (after a refusal); a failure is only logged.
   */
  public void takenAfterRefusal(SlotTask task) {
    if (!registry.require(task.algorithm()).adaptive()) {
      return;
    }
    try {
      semaphore.takenAfterRefusal(task);
    } catch (RuntimeException e) {
      log.warn(
          "could not record that {} took {}: {}", task.algorithm(), task.taskId(), e.toString());
    }
  }

  private void recordCongestion(SlotTask task, String why) {
    var algorithm = task.algorithm();
    try {
      var congestion = semaphore.refused(task, slotLimit(algorithm));
      if (congestion.cut()) {
        log.info("limit of {} cut to {} ({})", algorithm, congestion.limit(), why);
        meters.counter("algotask.slots.limit.cuts", "algorithm", algorithm).increment();
      }
    } catch (RuntimeException e) {
      log.warn("could not record the congestion of {}: {}", algorithm, e.toString());
    }
  }

  /** Whether a wait the algorithm reports in its own queue is above the target: congestion. */
  public boolean queuedTooLong(Long queueMillis) {
    return queueMillis != null && queueMillis > properties.adaptiveQueueTarget().toMillis();
  }

  /** Signals a grant again (the first signal was lost, or never sent). */
  public void resignal(HeldSlot grant) {
    signal(grant);
  }

  /** Repairs of the slots, by kind: each one is logged where it is made. */
  public void countRepair(String algorithm, String kind, long count) {
    if (count > 0) {
      meters.counter(REPAIRS, "algorithm", algorithm, "kind", kind).increment(count);
    }
  }

  /** The configured limit: the fixed one, or an adaptive one's maximum. */
  public int limitOf(String algorithm) {
    return registry.require(algorithm).maxConcurrency();
  }

  private SlotLimit slotLimit(String algorithm) {
    return SlotLimit.of(registry.require(algorithm), properties.adaptiveBackoff());
  }

  /** The weights of the algorithm's tenants in the fair share of its slots (absent: 1). */
  public Map<String, Integer> weightsOf(String algorithm) {
    return registry.require(algorithm).tenantWeights();
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
  private void wake(String algorithm, List<HeldSlot> grants) {
    countGrants(algorithm, "handed-on", grants.size());
    for (var grant : grants) {
      signal(grant);
    }
  }

  private void signal(HeldSlot grant) {
    try {
      signals.slotGranted(grant.taskId(), grant.token());
    } catch (RuntimeException e) {
      // the reconciler signals an unclaimed grant again
      log.warn(
          "could not tell task {} of its slot {}: {}", grant.taskId(), grant.token(), e.toString());
    }
  }
}
