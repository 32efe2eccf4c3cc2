package io.algotask.bench;

import java.time.Duration;
import java.util.ArrayList;

/** 1 task per second for a minute, instant algorithm: where a lone task's time goes. */
final class LatencyScenario {
  private LatencyScenario() {}

  static ScenarioReport run(BenchRun bench) throws Exception {
    var seconds = (int) bench.settings.latencyDuration().toSeconds();
    var algorithm = bench.algorithm("latency");
    return bench.measure(
        "latency",
        0,
        window -> {
          var ids = new ArrayList<String>();
          var t0 = System.nanoTime();
          for (int i = 0; i < seconds; i++) {
            var due = t0 + i * 1_000_000_000L;
            var wait = due - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            var id = bench.taskId("latency", i);
            ids.add(id);
            bench.load.submit(id, algorithm);
          }
          bench.load.awaitAll(ids, Duration.ofMinutes(2));
          var tasks = bench.records.tasksOf(algorithm);
          var timelines = bench.timelines(tasks, "latency");
          var headline = Timelines.headline(timelines);
          var chart = "latency-cdf.png";
          Charts.cdf(
              bench.reportDir.resolve(chart),
              "Latency at 1 task per second (instant algorithm)",
              headline);
          var results = bench.load.resultsAmong(ids);
          var repeats = bench.load.repeatsAmong(ids);
          var stats = bench.sampleStats("latency");

          var figures = new ArrayList<Figure>();
          figures.addAll(
              LatencyReport.percentiles(
                  "latency",
                  "submit to invoke",
                  LatencySummary.of(headline.get(Timelines.HEADLINE.get(0))),
                  Targets.SUBMIT_TO_INVOKE_P50_MS,
                  Targets.SUBMIT_TO_INVOKE_P99_MS));
          figures.addAll(
              LatencyReport.percentiles(
                  "latency",
                  "callback to result",
                  LatencySummary.of(headline.get(Timelines.HEADLINE.get(2))),
                  null,
                  Targets.CALLBACK_TO_RESULT_P99_MS));
          figures.addAll(
              LatencyReport.percentiles(
                  "latency",
                  "end to end",
                  LatencySummary.of(headline.get(Timelines.HEADLINE.get(3))),
                  null,
                  null));
          var body = new StringBuilder();
          body.append(
              String.format(
                  "%d tasks, one per second, over Kafka; the sample algorithm calls back at once"
                      + " (it still reads the input and writes the output through presigned URLs);"
                      + " limit %d. Times from the load's clock (submit, result seen), the records"
                      + " and the sample's timing log, all on this machine's clock.%n%n",
                  seconds, BenchRun.LIMITS.get("latency")));
          body.append(LatencyReport.table(headline)).append("\n");
          body.append("Step by step (the means add up to the end-to-end mean):\n\n");
          body.append(LatencyReport.steps(timelines)).append("\n");
          body.append(LatencyReport.outcome(tasks, ids.size(), results, repeats));
          body.append(
              String.format(
                  "Peak running at the algorithm: %d.%n%n", stats.path("peakRunning").asInt()));
          body.append(Markdown.image("latency CDF", chart));
          return new ScenarioReport(
              "latency",
              "Latency: 1 task per second, instant algorithm",
              body.toString(),
              figures,
              results,
              null);
        });
  }
}
