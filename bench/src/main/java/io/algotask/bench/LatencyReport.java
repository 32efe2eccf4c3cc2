package io.algotask.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The latency tables that several scenarios share. */
final class LatencyReport {
  private LatencyReport() {}

  /** One row per stage: p50, p90, p99, max, n. */
  static String table(Map<String, List<Double>> stages) {
    var rows = new ArrayList<List<String>>();
    for (var stage : stages.entrySet()) {
      var summary = LatencySummary.of(stage.getValue());
      rows.add(
          List.of(
              stage.getKey(),
              LatencySummary.ms(summary.p50()),
              LatencySummary.ms(summary.p90()),
              LatencySummary.ms(summary.p99()),
              LatencySummary.ms(summary.max()),
              Integer.toString(summary.count())));
    }
    return Markdown.table(List.of("ms", "p50", "p90", "p99", "max", "n"), rows);
  }

  /** One row per step with its mean, so that the means add up to the end-to-end mean. */
  static String steps(Map<String, List<Double>> steps) {
    var rows = new ArrayList<List<String>>();
    for (var step : steps.entrySet()) {
      var summary = LatencySummary.of(step.getValue());
      rows.add(
          List.of(
              step.getKey(),
              LatencySummary.ms(summary.mean()),
              LatencySummary.ms(summary.p50()),
              LatencySummary.ms(summary.p99()),
              LatencySummary.ms(summary.max())));
    }
    return Markdown.table(List.of("step (ms)", "mean", "p50", "p99", "max"), rows)
        + "\nThe result's publication is recorded after Kafka acknowledged it, so the business"
        + " service may see it first: the last step can be negative.\n";
  }

  /** Tasks by final status, from the records; and results seen, repeated and missing. */
  static String outcome(List<Records.TaskTimes> tasks, int submitted, long results, long repeats) {
    var statuses = new TreeMap<String, Integer>();
    tasks.forEach(t -> statuses.merge(t.status(), 1, Integer::sum));
    var retried = tasks.stream().filter(t -> t.attempts() > 1).count();
    return String.format(
        "Submitted %d; recorded %d %s; results seen %d, repeated %d, missing %d; tasks that needed"
            + " more than one attempt: %d.%n",
        submitted, tasks.size(), statuses, results, repeats, submitted - results, retried);
  }

  /** Whether every task succeeded once, with one result each. */
  static boolean clean(List<Records.TaskTimes> tasks, int submitted, long results, long repeats) {
    return tasks.size() == submitted
        && results == submitted
        && repeats == 0
        && tasks.stream().allMatch(t -> "SUCCEEDED".equals(t.status()));
  }
}
