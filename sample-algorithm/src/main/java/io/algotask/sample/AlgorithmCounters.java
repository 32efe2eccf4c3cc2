package io.algotask.sample;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
  final AtomicLong overCapacity = new AtomicLong();
  final AtomicLong serverErrors = new AtomicLong();
  final AtomicLong callbacksSucceeded = new AtomicLong();
  final AtomicLong callbacksFailed = new AtomicLong();
  final AtomicLong callbacksRejected = new AtomicLong();
  final AtomicLong callbacksUndelivered = new AtomicLong();
  final AtomicLong noCallback = new AtomicLong();
  final AtomicLong cancelled = new AtomicLong();
  private final Map<CallbackKind, AtomicLong> sent = new EnumMap<>(CallbackKind.class);
  private final Map<CallbackKind, Map<String, AtomicLong>> answers =
      new EnumMap<>(CallbackKind.class);
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger peakRunning = new AtomicInteger();

  AlgorithmCounters() {
    for (CallbackKind kind : CallbackKind.values()) {
      sent.put(kind, new AtomicLong());
      answers.put(kind, new ConcurrentHashMap<>());
    }
  }

  void slotTaken() {
    int now = running.incrementAndGet();
    peakRunning.accumulateAndGet(now, Math::max);
  }

  void slotFreed() {
    running.decrementAndGet();
  }

  int running() {
    return running.get();
  }

  /** A callback of this kind goes out (counted once, however many tries it takes). */
  void callbackSent(CallbackKind kind) {
    sent.get(kind).incrementAndGet();
  }

  /** How a callback of this kind ended: an HTTP status, or {@link AlgorithmStats#UNDELIVERED}. */
  void callbackAnswered(CallbackKind kind, String answer) {
    answers.get(kind).computeIfAbsent(answer, a -> new AtomicLong()).incrementAndGet();
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
          overCapacity,
          serverErrors,
          callbacksSucceeded,
          callbacksFailed,
          callbacksRejected,
          callbacksUndelivered,
          noCallback,
          cancelled
        }) {
      counter.set(0);
    }
    sent.values().forEach(counter -> counter.set(0));
    answers.values().forEach(Map::clear);
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
        serverErrors.get(),
        callbacksSucceeded.get(),
        callbacksFailed.get(),
        callbacksRejected.get(),
        callbacksUndelivered.get(),
        noCallback.get(),
        cancelled.get(),
        sent.get(CallbackKind.LATE).get(),
        answers(CallbackKind.LATE),
        sent.get(CallbackKind.REPEATED).get(),
        answers(CallbackKind.REPEATED),
        sent.get(CallbackKind.CONFLICTING).get(),
        answers(CallbackKind.CONFLICTING),
        running.get(),
        peakRunning.get(),
        overCapacity.get());
  }

  private Map<String, Long> answers(CallbackKind kind) {
    Map<String, Long> copy = new TreeMap<>();
    answers.get(kind).forEach((answer, count) -> copy.put(answer, count.get()));
    return copy;
  }
}
