package io.algotask.sample;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable snapshot of one algorithm's counters since the start or the last reset.
 *
 * <p>Every invocation request counts once in {@code received} and once in exactly one of {@code
 * accepted}, {@code duplicates}, {@code invalid}, {@code refused}, {@code busy}, {@code
 * serverErrors}. Each accepted attempt ends in at most one of: a callback answered 2xx ({@code
 * callbacksSucceeded} or {@code callbacksFailed}, by the status it reported), a callback answered
 * 4xx ({@code callbacksRejected}, e.g. 401 or 409), a callback given up after retries ({@code
 * callbacksUndelivered}), {@code noCallback}, or {@code cancelled}.
 *
 * <p>{@code lateCallbacks} counts the attempts' callbacks held until after their deadline (each
 * also counts in one of the ends above, usually {@code callbacksRejected}); {@code
 * repeatedCallbacks} and {@code conflictingCallbacks} count the callbacks sent after an attempt's
 * callback was answered: the same one again, or one reporting the other status. The {@code
 * ...Answers} maps count how each kind was answered, by HTTP status ({@code "409"}), or {@code
 * "undelivered"} when every try failed.
 *
 * <p>{@code running} counts accepted attempts that still hold a slot at the orchestrator: from
 * acceptance until the orchestrator has their callback, their deadline passes, or they are
 * cancelled, whichever comes first. An attempt stops counting as its callback goes out (the
 * orchestrator frees the slot on receipt, before it answers) and counts again if that try fails
 * with a 5xx or no answer; so {@code peakRunning} never overshoots the orchestrator's own count.
 *
 * <p>{@code overCapacity} counts the invocations answered 429 because {@code running} had reached
 * the hidden capacity (each also counts in {@code busy}).
 */
public record AlgorithmStats(
    long received,
    long accepted,
    long duplicates,
    long invalid,
    long refused,
    long busy,
    long serverErrors,
    long callbacksSucceeded,
    long callbacksFailed,
    long callbacksRejected,
    long callbacksUndelivered,
    long noCallback,
    long cancelled,
    long lateCallbacks,
    Map<String, Long> lateCallbackAnswers,
    long repeatedCallbacks,
    Map<String, Long> repeatedCallbackAnswers,
    long conflictingCallbacks,
    Map<String, Long> conflictingCallbackAnswers,
    int running,
    int peakRunning,
    long overCapacity) {

  /** How a callback that got no answer but 5xx or connection errors is counted in the maps. */
  public static final String UNDELIVERED = "undelivered";

  public static final AlgorithmStats NONE =
      new AlgorithmStats(
          0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), 0, Map.of(), 0, Map.of(), 0, 0, 0);

  public AlgorithmStats {
    lateCallbackAnswers = sortedCopy(lateCallbackAnswers);
    repeatedCallbackAnswers = sortedCopy(repeatedCallbackAnswers);
    conflictingCallbackAnswers = sortedCopy(conflictingCallbackAnswers);
  }

  private static Map<String, Long> sortedCopy(Map<String, Long> answers) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(answers));
  }
}
