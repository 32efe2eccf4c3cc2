package io.algotask.demo;

import java.util.List;

/** Latency summaries for the test reports. */
final class Percentiles {
  private Percentiles() {}

  /** p50, p99 and max of durations in milliseconds. */
  static String of(List<Double> millis) {
    if (millis.isEmpty()) {
      return "no values";
    }
    var sorted = millis.stream().sorted().toList();
    return String.format(
        "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)",
        at(sorted, 0.50), at(sorted, 0.99), sorted.get(sorted.size() - 1), sorted.size());
  }

  /** The nearest-rank quantile of sorted values. */
  static double at(List<Double> sorted, double quantile) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1));
  }
}
