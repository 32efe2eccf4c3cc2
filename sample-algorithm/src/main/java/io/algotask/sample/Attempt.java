package io.algotask.sample;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One accepted attempt: where it is in its life, and whether it counts as holding a slot of its
 * algorithm. Every transition is a compare-and-set, so a cancel racing the callback, or the
 * deadline racing either, takes effect exactly once.
 *
 * <p>The slot is counted the way the orchestrator holds it: from acceptance until the orchestrator
 * has the callback, the deadline passes, or a cancel arrives. The orchestrator frees the slot as it
 * receives the callback, before it answers, and may let the next task in at once; so the count
 * drops as a callback goes out, and comes back if that try fails (5xx or no answer: the
 * orchestrator never had it). Counting until the answer would make {@code peakRunning} overshoot
 * the orchestrator's limit whenever the next invocation overtakes the answer.
 */
final class Attempt {
  /** Duplicates of an attempt are recognised for this long after it freed its slot. */
  static final long REMEMBER_AFTER_FREED_NANOS = TimeUnit.SECONDS.toNanos(60);

  enum Phase {
    /** waiting out its latency, reading input or writing output */
    WORKING,
    /** done, holding its callback until after its deadline: holds its slot until the deadline */
    HOLDING_CALLBACK,
    /** its callback is on the way: it can no longer be cancelled */
    CALLING_BACK,
    /** done without a callback (withheld or undelivered): holds its slot until its deadline */
    SILENT,
    /** its callback was answered */
    CALLED_BACK,
    CANCELLED
  }

  private enum Slot {
    /** not yet admitted */
    NONE,
    HELD,
    /** a callback try is on the wire: not counted, unless the try fails */
    CALLBACK_IN_FLIGHT,
    FREED
  }

  private final AttemptKey key;
  private final String algorithm;
  private final AlgorithmCounters counters;
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.WORKING);
  private final AtomicReference<Slot> slot = new AtomicReference<>(Slot.NONE);
  private volatile long freedAtNanos;
  private volatile Future<?> pendingWork;
  private volatile Future<?> deadlineRelease;

  Attempt(AttemptKey key, String algorithm, AlgorithmCounters counters) {
    this.key = key;
    this.algorithm = algorithm;
    this.counters = counters;
  }

  /**
   * Called once, after this attempt won its place in the registry, so that a duplicate racing it
   * never shows in {@code running}, not even for an instant.
   */
  void takeSlot() {
    if (slot.compareAndSet(Slot.NONE, Slot.HELD)) {
      counters.slotTaken();
    }
  }

  AttemptKey key() {
    return key;
  }

  String algorithm() {
    return algorithm;
  }

  AlgorithmCounters counters() {
    return counters;
  }

  boolean isCancelled() {
    return phase.get() == Phase.CANCELLED;
  }

  void pendingWork(Future<?> work) {
    pendingWork = work;
    if (isCancelled()) {
      work.cancel(false);
    }
  }

  void deadlineRelease(Future<?> release) {
    deadlineRelease = release;
    if (slot.get() == Slot.FREED) {
      release.cancel(false);
    }
  }

  /** True when the callback may go out: the attempt was neither cancelled nor already silent. */
  boolean startCallback() {
    return phase.compareAndSet(Phase.WORKING, Phase.CALLING_BACK);
  }

  /** A callback try is about to be sent. */
  void callbackSending() {
    TimingLog.callbackSent(algorithm, key);
    if (slot.compareAndSet(Slot.HELD, Slot.CALLBACK_IN_FLIGHT)) {
      counters.slotFreed();
    }
  }

  /** The try failed (5xx or no answer): the orchestrator still holds the slot. */
  void callbackNotTaken() {
    if (slot.compareAndSet(Slot.CALLBACK_IN_FLIGHT, Slot.HELD)) {
      counters.slotTaken();
    }
  }

  void callbackAnswered() {
    TimingLog.callbackAnswered(algorithm, key);
    phase.set(Phase.CALLED_BACK);
    freeSlot();
  }

  /** The callback could not be delivered: like a withheld one, the slot is held until deadline. */
  void callbackUndelivered() {
    phase.compareAndSet(Phase.CALLING_BACK, Phase.SILENT);
  }

  boolean withholdCallback() {
    return phase.compareAndSet(Phase.WORKING, Phase.SILENT);
  }

  /**
   * The work is done, but the callback waits until after the deadline (lateCallbackRate). Like a
   * silent attempt it holds its slot until the deadline and can be cancelled until then.
   */
  boolean holdCallback() {
    return phase.compareAndSet(Phase.WORKING, Phase.HOLDING_CALLBACK);
  }

  /** True when the held callback may go out: the attempt was not cancelled meanwhile. */
  boolean startLateCallback() {
    return phase.compareAndSet(Phase.HOLDING_CALLBACK, Phase.CALLING_BACK);
  }

  /**
   * Stops the attempt if it still runs and no callback is under way.
   *
   * @return whether it was stopped by this call
   */
  boolean cancel() {
    if (slot.get() != Slot.HELD) {
      return false; // over: its deadline passed or its callback was answered
    }
    if (phase.compareAndSet(Phase.WORKING, Phase.CANCELLED)
        || phase.compareAndSet(Phase.HOLDING_CALLBACK, Phase.CANCELLED)
        || phase.compareAndSet(Phase.SILENT, Phase.CANCELLED)) {
      Future<?> work = pendingWork;
      if (work != null) {
        work.cancel(false);
        pendingWork = null;
      }
      freeSlot();
      return true;
    }
    return false;
  }

  /** At the deadline the orchestrator frees the slot whatever the attempt is doing; so do we. */
  void deadlinePassed() {
    freeSlot();
  }

  /** Forgotten attempts are no longer recognised as duplicates. */
  boolean canBeForgotten(long nowNanos) {
    long freedAt = freedAtNanos; // 0 until freeSlot has written it
    return slot.get() == Slot.FREED
        && freedAt != 0
        && nowNanos - freedAt > REMEMBER_AFTER_FREED_NANOS;
  }

  private void freeSlot() {
    Slot before;
    do {
      before = slot.get();
      if (before == Slot.FREED || before == Slot.NONE) {
        return;
      }
    } while (!slot.compareAndSet(before, Slot.FREED));
    freedAtNanos = System.nanoTime();
    if (before == Slot.HELD) {
      counters.slotFreed(); // CALLBACK_IN_FLIGHT was no longer counted
    }
    Future<?> release = deadlineRelease;
    if (release != null) {
      release.cancel(false);
      deadlineRelease = null; // remembered attempts should weigh little
    }
  }
}
