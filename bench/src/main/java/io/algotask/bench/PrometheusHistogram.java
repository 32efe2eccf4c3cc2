package io.algotask.bench;

import java.util.Locale;
import java.util.TreeMap;

/** A timer's histogram from a Prometheus page, for one set of labels. */
record PrometheusHistogram(
    TreeMap<Double, Double> cumulativeBuckets, double count, double sum, double max) {

  /**
   * Reads {@code <metric>_bucket}, {@code _count}, {@code _sum} and {@code _max} lines that carry
   * the label text (e.g. {@code algorithm="ocr"}).
   */
  static PrometheusHistogram parse(String page, String metric, String label) {
    var buckets = new TreeMap<Double, Double>();
    double count = 0;
    double sum = 0;
    double max = 0;
    for (var line : page.split("\n")) {
      if (!line.startsWith(metric) || !line.contains(label)) {
        continue;
      }
      var value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (line.startsWith(metric + "_bucket")) {
        var le = line.replaceAll(".*le=\"([^\"]+)\".*", "$1");
        buckets.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value);
      } else if (line.startsWith(metric + "_count")) {
        count = value;
      } else if (line.startsWith(metric + "_sum")) {
        sum = value;
      } else if (line.startsWith(metric + "_max")) {
        max = value;
      }
    }
    return new PrometheusHistogram(buckets, count, sum, max);
  }

  /** The upper bound of the bucket holding the quantile: the value is at most this. */
  double quantileBound(double q) {
    var rank = count * q;
    for (var bucket : cumulativeBuckets.entrySet()) {
      if (bucket.getValue() >= rank) {
        return bucket.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /** {@code p50 <= 67.1 ms, p99 <= 357.9 ms, mean 77.6 ms, max 336.0 ms (n=199)} */
  String describeMillis() {
    if (count == 0) {
      return "nothing recorded";
    }
    if (cumulativeBuckets.isEmpty()) {
      return String.format(
          Locale.ROOT,
          "mean %.1f ms, max %.1f ms (n=%.0f; no histogram buckets published)",
          sum / count * 1000,
          max * 1000,
          count);
    }
    return String.format(
        Locale.ROOT,
        "p50 <= %.1f ms, p99 <= %.1f ms (bucket bounds), mean %.1f ms, max %.1f ms (n=%.0f)",
        quantileBound(0.50) * 1000,
        quantileBound(0.99) * 1000,
        sum / count * 1000,
        max * 1000,
        count);
  }
}
