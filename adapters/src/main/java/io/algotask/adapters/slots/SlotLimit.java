package io.algotask.adapters.slots;

import io.algotask.adapters.registry.AlgorithmSettings;
import java.time.Duration;

/**
 * The limit a slot script applies: fixed at {@code max}, or adaptive between {@code min} and {@code
 * max}. The adaptive limit in force is kept in Redis beside the slots and moved by the scripts
 * themselves (adaptive.lua), so every worker applies the same one.
 *
 * @param window the length of one decrease episode, and the calm after a congestion signal before
 *     an increase
 * @param backoff the factor of a decrease
 */
public record SlotLimit(boolean adaptive, int max, int min, Duration window, double backoff) {

  public static SlotLimit fixed(int limit) {
    return new SlotLimit(false, limit, limit, Duration.ZERO, 1);
  }

  public static SlotLimit adaptive(int min, int max, Duration window, double backoff) {
    return new SlotLimit(true, max, min, window, backoff);
  }

  /** The algorithm's limit as its registration says, with the slots' decrease factor. */
  public static SlotLimit of(AlgorithmSettings algorithm, double backoff) {
    return algorithm.adaptive()
        ? adaptive(
            algorithm.minConcurrency(),
            algorithm.maxConcurrency(),
            algorithm.adaptiveWindow(),
            backoff)
        : fixed(algorithm.maxConcurrency());
  }

  /** The scripts' limit argument: {@code max}, or {@code max/min/window ms/backoff}. */
  String argument() {
    return adaptive
        ? max + "/" + min + "/" + window.toMillis() + "/" + backoff
        : Integer.toString(max);
  }
}
