package io.algotask.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The algorithm service without its HTTP: admits invocations (duplicate, busy, server error,
 * refused or accepted), starts accepted attempts, cancels them, and keeps the counters.
 */
final class SampleAlgorithm {
  enum Admission {
    ACCEPTED,
    DUPLICATE,
    BUSY,
    SERVER_ERROR,
    REFUSED
  }

  /**
   * The settings in force, with the seed resolved and the generators of the per-delivery draws (one
   * each, so that a server error rate leaves the busy draws of a seed as they were).
   */
  private record Behaviour(
      SampleAlgorithmSettings settings, long seed, Random busyDraws, Random serverErrorDraws) {}

  /** Sets the server error draws of a seed apart from its busy draws. */
  private static final long SERVER_ERROR_SALT = 0x9e3779b97f4a7c15L;

  private final StatsRegistry stats = new StatsRegistry();
  private final AttemptRegistry attempts = new AttemptRegistry();
  private final ScheduledExecutorService timer;
  private final AttemptRunner runner;
  private volatile Behaviour behaviour;

  SampleAlgorithm(
      SampleAlgorithmSettings settings, ScheduledExecutorService timer, AttemptRunner runner) {
    this.timer = timer;
    this.runner = runner;
    this.behaviour = behaviourFor(settings, null);
    timer.scheduleWithFixedDelay(attempts::forgetOldAttempts, 10, 10, TimeUnit.SECONDS);
  }

  /** Abandons the work in flight quietly; see {@link SampleAlgorithmServer#close()}. */
  void stop() {
    runner.stop();
  }

  StatsRegistry stats() {
    return stats;
  }

  SampleAlgorithmSettings settings() {
    return behaviour.settings();
  }

  /** Later draws use the new settings; a new seed (if given) restarts the draws. */
  synchronized void update(SampleAlgorithmSettings settings) {
    behaviour = behaviourFor(settings, behaviour);
  }

  Admission admit(String algorithm, Invocation invocation) {
    AlgorithmCounters counters = stats.forAlgorithm(algorithm);
    if (attempts.find(invocation.key()) != null) {
      counters.duplicates.incrementAndGet();
      return Admission.DUPLICATE;
    }
    Behaviour current = behaviour;
    Integer capacity = current.settings().capacity();
    if (capacity == null) {
      return admitNew(algorithm, invocation, counters, current);
    }
    // the check and the slot taken by an acceptance are one step: the capacity holds exactly
    synchronized (counters) {
      if (counters.running() >= capacity) {
        counters.busy.incrementAndGet();
        counters.overCapacity.incrementAndGet();
        return Admission.BUSY;
      }
      return admitNew(algorithm, invocation, counters, current);
    }
  }

  private Admission admitNew(
      String algorithm, Invocation invocation, AlgorithmCounters counters, Behaviour current) {
    SampleAlgorithmSettings settings = current.settings();
    // busy and server errors are drawn per delivery, not per attempt: the orchestrator re-sends
    // the same attempt
    if (settings.busyRate() > 0 && current.busyDraws().nextDouble() < settings.busyRate()) {
      counters.busy.incrementAndGet();
      return Admission.BUSY;
    }
    if (settings.serverErrorRate() > 0
        && current.serverErrorDraws().nextDouble() < settings.serverErrorRate()) {
      counters.serverErrors.incrementAndGet();
      return Admission.SERVER_ERROR;
    }
    AttemptPlan plan =
        AttemptPlan.draw(current.seed(), invocation.taskId(), invocation.attempt(), settings);
    if (plan.refuse()) {
      counters.refused.incrementAndGet();
      return Admission.REFUSED;
    }
    Attempt attempt = new Attempt(invocation.key(), algorithm, counters);
    if (attempts.addIfAbsent(attempt) != null) {
      counters.duplicates.incrementAndGet(); // a concurrent delivery of the same attempt won
      return Admission.DUPLICATE;
    }
    counters.accepted.incrementAndGet();
    attempt.takeSlot();
    attempt.deadlineRelease(
        timer.schedule(
            attempt::deadlinePassed, millisUntil(invocation.deadline()), TimeUnit.MILLISECONDS));
    runner.start(attempt, invocation, plan);
    return Admission.ACCEPTED;
  }

  /**
   * @return whether the attempt was running and is now stopped (it will not call back)
   */
  boolean cancel(String algorithm, AttemptKey key) {
    Attempt attempt = attempts.find(key);
    if (attempt == null || !attempt.algorithm().equals(algorithm) || !attempt.cancel()) {
      return false;
    }
    attempt.counters().cancelled.incrementAndGet();
    return true;
  }

  private static Behaviour behaviourFor(SampleAlgorithmSettings settings, Behaviour previous) {
    if (settings.seed() == null && previous != null) {
      return new Behaviour(
          settings.toBuilder().seed(previous.seed()).build(),
          previous.seed(),
          previous.busyDraws(),
          previous.serverErrorDraws());
    }
    long seed = settings.seed() != null ? settings.seed() : new Random().nextLong();
    if (previous != null && previous.seed() == seed) {
      return new Behaviour(settings, seed, previous.busyDraws(), previous.serverErrorDraws());
    }
    return new Behaviour(
        settings.toBuilder().seed(seed).build(),
        seed,
        new Random(seed),
        new Random(seed ^ SERVER_ERROR_SALT));
  }

  /** Milliseconds from now until the time, rounded up; 0 if it has passed. */
  static long millisUntil(Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    if (left.isNegative()) {
      return 0;
    }
    // a deadline centuries away would overflow toMillis(); the timer caps long delays itself
    if (left.getSeconds() >= Long.MAX_VALUE / 1000 - 1) {
      return Long.MAX_VALUE;
    }
    // rounded up: a slot freed even a microsecond before the deadline would break the limit
    boolean partialMilli = left.toNanosPart() % 1_000_000 != 0;
    return left.toMillis() + (partialMilli ? 1 : 0);
  }
}
