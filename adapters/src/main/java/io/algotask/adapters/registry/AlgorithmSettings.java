package io.algotask.adapters.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One registered algorithm: where it runs, how many of its tasks may run at once, and the defaults
 * of its tasks.
 *
 * @param endpoint where invocations are sent (contract section 3)
 * @param cancelEndpoint where cancellations are sent, best effort, or null
 * @param maxConcurrency how many of its tasks may hold a slot at once, across all workers
 * @param queueTimeout default longest single wait for a slot
 * @param executionTimeout default longest wait for one attempt's callback
 * @param maxAttempts default number of attempts
 * @param adaptive whether the limit in force adapts to the algorithm's answers, between {@code
 *     minConcurrency} and {@code maxConcurrency}; otherwise it is {@code maxConcurrency}
 * @param minConcurrency the lowest limit an adaptive algorithm is cut to
 * @param adaptiveWindow the length of one decrease episode, and the calm after a congestion signal
 *     before an increase
 * @param tenantWeights the weight of each tenant in the fair share of the algorithm's slots; a
 *     tenant absent weighs 1
 */
public record AlgorithmSettings(
    String name,
    URI endpoint,
    URI cancelEndpoint,
    int maxConcurrency,
    Duration queueTimeout,
    Duration executionTimeout,
    int maxAttempts,
    boolean adaptive,
    int minConcurrency,
    Duration adaptiveWindow,
    Map<String, Integer> tenantWeights) {

  public static final Duration DEFAULT_ADAPTIVE_WINDOW = Duration.ofSeconds(10);

  public AlgorithmSettings {
    tenantWeights =
        tenantWeights == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(tenantWeights));
  }

  /** An algorithm with a fixed limit, its tenants of weight 1. */
  public AlgorithmSettings(
      String name,
      URI endpoint,
      URI cancelEndpoint,
      int maxConcurrency,
      Duration queueTimeout,
      Duration executionTimeout,
      int maxAttempts) {
    this(
        name,
        endpoint,
        cancelEndpoint,
        maxConcurrency,
        queueTimeout,
        executionTimeout,
        maxAttempts,
        false,
        1,
        DEFAULT_ADAPTIVE_WINDOW,
        Map.of());
  }

  /** What a newly registered algorithm gets for the settings its registration leaves out. */
  static AlgorithmSettings defaultsFor(String name) {
    return new AlgorithmSettings(
        name, null, null, 4, Duration.ofHours(1), Duration.ofMinutes(10), 3);
  }
}
