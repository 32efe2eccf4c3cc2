package io.algotask.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * p50, p90, p99 and max of durations in milliseconds. Quantiles are nearest-rank: each is a value
 * that was measured, never an interpolation.
 */
record LatencySummary(int count, double p50, double p90, double p99, double max, double mean) {
  static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

  static LatencySummary of(Collection<Double> millis) {
    if (millis.isEmpty()) {
      return EMPTY;
    }
    var sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new LatencySummary(
        sorted.length,
        quantile(sorted, 0.50),
        quantile(sorted, 0.90),
        quantile(sorted, 0.99),
        sorted[sorted.length - 1],
        Arrays.stream(sorted).average().orElse(0));
  }

  /** The nearest-rank quantile of sorted values: the smallest value with q of them at or below. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    var rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  /** {@code | 12.3 | 45.6 | 78.9 | 99.0 | 200} as table cells. */
  String cells() {
    if (count == 0) {
      return "| - | - | - | - | 0";
    }
    return String.format(
        Locale.ROOT, "| %s | %s | %s | %s | %d", ms(p50), ms(p90), ms(p99), ms(max), count);
  }

  /** {@code 12.3 / 78.9}: p50 and p99 in milliseconds; "-" when nothing was measured. */
  String p50p99() {
    return count == 0 ? "-" : ms(p50) + " / " + ms(p99);
  }

  /** Milliseconds with a precision that suits their size. */
  static String ms(double millis) {
    if (millis >= 100 || millis <= -100) {
      return String.format(Locale.ROOT, "%.0f", millis);
    }
    return String.format(Locale.ROOT, "%.1f", millis);
  }
}
