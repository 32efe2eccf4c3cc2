package io.algotask.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The throttle open: a limit of 64 and 64 tasks in flight (a new one submitted as each result
 * arrives), instant algorithm. Sustained tasks per second over the measured window, and the
 * latencies of the tasks submitted in it.
 */
final class ThroughputScenario {
  static final double TARGET_SHARE_OF_CEILING = 0.5;

  private ThroughputScenario() {}

  static ScenarioReport run(BenchRun bench) throws Exception {
    var settings = bench.settings;
    var algorithm = bench.algorithm("throughput");
    var prefix = bench.run + "-throughput-";
    return bench.measure(
        "throughput",
        0,
        window -> {
          var inFlight = new Semaphore(settings.throughputInFlight());
          bench.load.onFirstResult(
              id -> {
                if (id.startsWith(prefix)) {
                  inFlight.release();
                }
              });
          var ids = Collections.synchronizedList(new ArrayList<String>());
          var t0 = System.nanoTime();
          var wallStart = System.currentTimeMillis();
          var measureFrom = t0 + settings.throughputWarmUp().toNanos();
          var measureTo = measureFrom + settings.throughputDuration().toNanos();
          var wallFrom = wallStart + settings.throughputWarmUp().toMillis();
          var wallTo = wallFrom + settings.throughputDuration().toMillis();
          var submittedInWindow = new ArrayList<String>();
          int n = 0;
          while (System.nanoTime() < measureTo) {
            if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
              continue;
            }
            var id = bench.taskId("throughput", n++);
            ids.add(id);
            var now = System.nanoTime();
            if (now >= measureFrom && now < measureTo) {
              submittedInWindow.add(id);
            }
            bench.load.submit(id, algorithm);
          }
          bench.load.awaitAll(ids, Duration.ofMinutes(3));
          bench.load.onFirstResult(id -> {});

          var completedInWindow =
              ids.stream()
                  .map(bench.load::result)
                  .filter(r -> r != null)
                  .filter(r -> r.at().toEpochMilli() >= wallFrom && r.at().toEpochMilli() < wallTo)
                  .count();
          var seconds = settings.throughputDuration().toMillis() / 1000.0;
          var rate = completedInWindow / seconds;

          var tasks = bench.records.tasksOf(algorithm);
          var inWindow = new java.util.HashSet<>(submittedInWindow);
          var timelines =
              Timelines.join(
                  tasks.stream().filter(t -> inWindow.contains(t.taskId())).toList(),
                  SampleTimings.read(bench.sampleTimingLog("throughput")),
                  bench.load::submittedAt,
                  id -> bench.load.result(id) == null ? null : bench.load.result(id).at());
          var headline = Timelines.headline(timelines);
          var steps = Timelines.steps(timelines);
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
          body.append(LatencyReport.steps(steps)).append("\n");
          body.append(
              LatencyReport.outcome(
                  tasks, ids.size(), bench.load.resultsAmong(ids), bench.load.repeatsAmong(ids)));
          body.append("\n").append(Markdown.image("throughput over time", timelineChart));
          body.append("\n").append(Markdown.image("latency CDF under load", cdfChart));
          var endToEnd = LatencySummary.of(headline.get(Timelines.HEADLINE.get(3)));
          return new ScenarioReport(
              "throughput",
              "Throughput: the throttle open",
              body.toString(),
              List.of(
                  new ScenarioReport.Figure(
                      "throughput",
                      "tasks per second (share of the ceiling)",
                      Markdown.num(rate, 1)
                          + (share == null ? "" : " (" + Markdown.num(share, 2) + ")"),
                      ">= 0.5 of the ceiling",
                      share == null ? null : share >= TARGET_SHARE_OF_CEILING),
                  ScenarioReport.Figure.of(
                      "throughput",
                      "end to end under load p50 / p99",
                      LatencySummary.ms(endToEnd.p50())
                          + " / "
                          + LatencySummary.ms(endToEnd.p99())
                          + " ms")),
              bench.load.resultsAmong(ids),
              null);
        });
  }

  /** Per whole second since startMillis: results seen (or submits) in it. */
  private static List<double[]> bySecond(
      List<String> ids, BenchRun bench, long startMillis, boolean results) {
    var counts = new java.util.TreeMap<Integer, Integer>();
    synchronized (ids) {
      for (var id : ids) {
        var at =
            results
                ? (bench.load.result(id) == null ? null : bench.load.result(id).at())
                : bench.load.submittedAt(id);
        if (at != null) {
          counts.merge((int) ((at.toEpochMilli() - startMillis) / 1000), 1, Integer::sum);
        }
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
