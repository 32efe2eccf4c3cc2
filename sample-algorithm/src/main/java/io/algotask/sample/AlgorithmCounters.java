package io.algotask.sample;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The live counters of one algorithm; see {@link AlgorithmStats} for what each one means. */
final class AlgorithmCounters {
  final AtomicLong received = new AtomicLong();
  final AtomicLong accepted = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong invalid = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong busy = new AtomicLong();
  final AtomicLong callbacksSucceeded = new AtomicLong();
  final AtomicLong callbacksFailed = new AtomicLong();
  final AtomicLong callbacksRejected = new AtomicLong();
  final AtomicLong callbacksUndelivered = new AtomicLong();
  final AtomicLong noCallback = new AtomicLong();
  final AtomicLong cancelled = new AtomicLong();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger peakRunning = new AtomicInteger();

  void slotTaken() {
    int now = running.incrementAndGet();
    peakRunning.accumulateAndGet(now, Math::max);
  }

  void slotFreed() {
    running.decrementAndGet();
  }

  void reset() {
    for (AtomicLong counter :
        new AtomicLong[] {
          received,
          accepted,
          duplicates,
          invalid,
          refused,
          busy,
          callbacksSucceeded,
          callbacksFailed,
          callbacksRejected,
          callbacksUndelivered,
          noCallback,
          cancelled
        }) {
      counter.set(0);
    }
    peakRunning.set(running.get());
    // a slot taken between the two reads above must still show in the peak
    peakRunning.accumulateAndGet(running.get(), Math::max);
  }

  AlgorithmStats snapshot() {
    return new AlgorithmStats(
        received.get(),
        accepted.get(),
        duplicates.get(),
        invalid.get(),
        refused.get(),
        busy.get(),
        callbacksSucceeded.get(),
        callbacksFailed.get(),
        callbacksRejected.get(),
        callbacksUndelivered.get(),
        noCallback.get(),
        cancelled.get(),
        running.get(),
        peakRunning.get());
  }
}
