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

  /**
   * One row per step with its mean, so that the means add up to the end-to-end mean; then the steps
   * that the records split, over the tasks where they can.
   */
  static String steps(List<Timelines.Timeline> timelines) {
    return stepTable("step (ms)", Timelines.steps(timelines))
        + "\nThe result's publication is recorded after Kafka acknowledged it, so the business"
        + " service may see it first: the last step can be negative.\n\n"
        + stepTable("within a step (ms)", Timelines.splits(timelines))
        + "\nThe engine's acceptance of the callback's signal is recorded after the engine"
        + " answered, so the workflow may already have ended: the last split can be negative.\n";
  }

  private static String stepTable(String title, Map<String, List<Double>> steps) {
    var rows = new ArrayList<List<String>>();
    for (var step : steps.entrySet()) {
      var summary = LatencySummary.of(step.getValue());
      rows.add(
          List.of(
              step.getKey(),
              summary.count() == 0 ? "-" : LatencySummary.ms(summary.mean()),
              summary.count() == 0 ? "-" : LatencySummary.ms(summary.p50()),
              summary.count() == 0 ? "-" : LatencySummary.ms(summary.p99()),
              summary.count() == 0 ? "-" : LatencySummary.ms(summary.max()),
              Integer.toString(summary.count())));
    }
    return Markdown.table(List.of(title, "mean", "p50", "p99", "max", "n"), rows);
  }

  /**
   * A latency's p50 and p99 as summary figures ({@code <name> p50}, {@code <name> p99}), each held
   * against its target where one is given (null: none); not measured when there were no values.
   */
  static List<Figure> percentiles(
      String scenario,
      String name,
      LatencySummary summary,
      Targets.Target p50Target,
      Targets.Target p99Target) {
    var measured = summary.count() > 0;
    return List.of(
        figure(scenario, name + " p50", measured ? summary.p50() : null, p50Target),
        figure(scenario, name + " p99", measured ? summary.p99() : null, p99Target));
  }

  private static Figure figure(String scenario, String name, Double ms, Targets.Target target) {
    return target == null
        ? Figure.of(scenario, name, ms, Figure.MS)
        : Figure.against(scenario, name, ms, Figure.MS, target);
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

  /** A phase's line under a side-by-side table: its outcome, then the apps' logs meanwhile. */
  static String phaseLine(String label, String outcome, String logs) {
    return "- " + label + ": " + outcome + " " + logs + "\n";
  }

  /** Whether every task succeeded once, with one result each. */
  static boolean clean(List<Records.TaskTimes> tasks, int submitted, long results, long repeats) {
    return tasks.size() == submitted
        && results == submitted
        && repeats == 0
        && tasks.stream().allMatch(t -> "SUCCEEDED".equals(t.status()));
  }
}
