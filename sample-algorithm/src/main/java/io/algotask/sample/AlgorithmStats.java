package io.algotask.sample;

/**
 * An immutable snapshot of one algorithm's counters since the start or the last reset.
 *
 * <p>Every invocation request counts once in {@code received} and once in exactly one of {@code
 * accepted}, {@code duplicates}, {@code invalid}, {@code refused}, {@code busy}. Each accepted
 * attempt ends in at most one of: a callback answered 2xx ({@code callbacksSucceeded} or {@code
 * callbacksFailed}, by the status it reported), a callback answered 4xx ({@code callbacksRejected},
 * e.g. 401 or 409), a callback given up after retries ({@code callbacksUndelivered}), {@code
 * noCallback}, or {@code cancelled}.
 *
 * <p>{@code running} counts accepted attempts that still hold a slot at the orchestrator: from
 * acceptance until the orchestrator has their callback, their deadline passes, or they are
 * cancelled, whichever comes first. An attempt stops counting as its callback goes out (the
 * orchestrator frees the slot on receipt, before it answers) and counts again if that try fails
 * with a 5xx or no answer; so {@code peakRunning} never overshoots the orchestrator's own count.
 */
public record AlgorithmStats(
    long received,
    long accepted,
    long duplicates,
    long invalid,
    long refused,
    long busy,
    long callbacksSucceeded,
    long callbacksFailed,
    long callbacksRejected,
    long callbacksUndelivered,
    long noCallback,
    long cancelled,
    int running,
    int peakRunning) {

  public static final AlgorithmStats NONE =
      new AlgorithmStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
