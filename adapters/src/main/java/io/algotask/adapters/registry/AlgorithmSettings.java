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
    Map<String, Integer> tenantWeights) {

  public AlgorithmSettings {
    tenantWeights =
        tenantWeights == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(tenantWeights));
  }

  /** What a newly registered algorithm gets for the settings its registration leaves out. */
  static AlgorithmSettings defaultsFor(String name) {
    return new AlgorithmSettings(
        name, null, null, 4, Duration.ofHours(1), Duration.ofMinutes(10), 3, Map.of());
  }
}
