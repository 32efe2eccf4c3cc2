package io.algotask.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The throttle open: a limit of 64 and 64 tasks in flight (a new one submitted as each result
 * arrives), instant algorithm. Sustained tasks per second over the measured window, and the
 * latencies of the tasks submitted in it.
 */
final class ThroughputScenario {
  private ThroughputScenario() {}

  static ScenarioReport run(BenchRun bench) throws Exception {
    var settings = bench.settings;
    return bench.measure(
        "throughput",
        0,
        window -> {
          var outcome = SustainedLoad.run(bench, "throughput");
          var ids = outcome.ids();
          var wallStart = outcome.wallStart();
          var completedInWindow = outcome.completedInWindow();
          var rate = outcome.perSecond();
          var tasks = outcome.tasks();
          var headline = outcome.headline();
          var stats = bench.sampleStats("throughput");

          var perSecond = new LinkedHashMap<String, List<double[]>>();
          perSecond.put("results seen per second", bySecond(ids, bench, wallStart, true));
          perSecond.put("submitted per second", bySecond(ids, bench, wallStart, false));
          var timelineChart = "throughput-timeline.png";
          Charts.lines(
              bench.reportDir.resolve(timelineChart),
              "Throughput: 64 in flight, limit 64, instant algorithm",
              "seconds since the first submit (measured from "
                  + settings.throughputWarmUp().toSeconds()
                  + " s)",
              "tasks per second",
              perSecond);
          var cdfChart = "throughput-latency-cdf.png";
          Charts.cdf(bench.reportDir.resolve(cdfChart), "Latency under full load", headline);

          var ceiling = bench.ceilingPerSecond;
          var share = ceiling == null || ceiling == 0 ? null : rate / ceiling;
          var body = new StringBuilder();
          body.append(
              String.format(
                  "%d tasks in flight (a new one submitted as each result is seen), limit %d,"
                      + " instant algorithm. Warm-up %d s, then %d s measured: results seen in"
                      + " the window divided by its length.%n%n",
                  settings.throughputInFlight(),
                  BenchRun.LIMITS.get("throughput"),
                  settings.throughputWarmUp().toSeconds(),
                  settings.throughputDuration().toSeconds()));
          var rows = new ArrayList<List<String>>();
          rows.add(List.of("tasks per second (sustained)", Markdown.num(rate, 1)));
          rows.add(List.of("results in the window", Long.toString(completedInWindow)));
          rows.add(
              List.of(
                  "ceiling (minimal workflows per second)",
                  ceiling == null ? "not run" : Markdown.num(ceiling, 1)));
          rows.add(List.of("share of the ceiling", share == null ? "-" : Markdown.num(share, 2)));
          rows.add(List.of("peak running at the algorithm", stats.path("peakRunning").asString()));
          body.append(Markdown.table(List.of("figure", "value"), rows)).append("\n");
          body.append("Latencies of the tasks submitted in the measured window:\n\n");
          body.append(LatencyReport.table(headline)).append("\n");
          body.append(LatencyReport.steps(outcome.timelines())).append("\n");
          body.append(
              LatencyReport.outcome(
                  tasks, ids.size(), bench.load.resultsAmong(ids), bench.load.repeatsAmong(ids)));
          body.append("\n").append(Markdown.image("throughput over time", timelineChart));
          body.append("\n").append(Markdown.image("latency CDF under load", cdfChart));
          var figures = new ArrayList<Figure>();
          figures.add(Figure.of("throughput", "tasks per second", rate, Figure.PER_SECOND));
          figures.add(
              Figure.against(
                  "throughput",
                  "share of the ceiling",
                  share,
                  Figure.SHARE_OF_CEILING,
                  Targets.THROUGHPUT_SHARE_OF_CEILING));
          figures.addAll(
              LatencyReport.percentiles(
                  "throughput",
                  "end to end under load",
                  LatencySummary.of(headline.get(Timelines.HEADLINE.get(3))),
                  null,
                  null));
          return new ScenarioReport(
              "throughput",
              "Throughput: the throttle open",
              body.toString(),
              figures,
              bench.load.resultsAmong(ids),
              null);
        });
  }

  /** Per whole second since startMillis: results seen (or submits) in it. */
  private static List<double[]> bySecond(
      List<String> ids, BenchRun bench, long startMillis, boolean results) {
    var counts = new java.util.TreeMap<Integer, Integer>();
    for (var id : ids) {
      var at =
          results
              ? (bench.load.result(id) == null ? null : bench.load.result(id).at())
              : bench.load.submittedAt(id);
      if (at != null) {
        counts.merge((int) ((at.toEpochMilli() - startMillis) / 1000), 1, Integer::sum);
      }
    }
    var points = new ArrayList<double[]>();
    if (!counts.isEmpty()) {
      for (int s = Math.max(0, counts.firstKey()); s <= counts.lastKey(); s++) {
        points.add(new double[] {s, counts.getOrDefault(s, 0)});
      }
    }
    return points;
  }
}
