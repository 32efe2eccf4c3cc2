package io.algotask.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Limit 1, tasks of 10 ms queued at once: how long the one slot stands idle between a release and
 * the next task's invocation.
 */
final class HandOffScenario {
  static final double TARGET_P99_MS = 50;
  static final long LATENCY_MS = 10;

  private HandOffScenario() {}

  static ScenarioReport run(BenchRun bench) throws Exception {
    var count = bench.settings.handOffTasks();
    var algorithm = bench.algorithm("handoff");
    return bench.measure(
        "handoff",
        LATENCY_MS,
        window -> {
          var ids = new ArrayList<String>();
          for (int i = 0; i < count; i++) {
            ids.add(bench.taskId("handoff", i));
          }
          bench.load.submitAll(ids, algorithm);
          var done = bench.load.awaitAll(ids, Duration.ofSeconds(Math.max(120, count * 2L)));
          var tasks = bench.records.tasksOf(algorithm);
          var sample = SampleTimings.read(bench.sampleTimingLog("handoff"));
          var gaps = gaps(tasks, sample);
          var stats = bench.sampleStats("handoff");
          var timer =
              PrometheusHistogram.parse(
                  bench.workerMetrics(),
                  "algotask_slots_handoff_seconds",
                  "algorithm=\"" + algorithm + "\"");

          var chart = "handoff-cdf.png";
          Charts.cdf(
              bench.reportDir.resolve(chart), "Hand-off of one slot (limit 1, 10 ms tasks)", gaps);
          var primary = LatencySummary.of(gaps.get(RELEASE_TO_INVOKE));
          var body = new StringBuilder();
          body.append(
              String.format(
                  "%d tasks of %d ms submitted at once on a limit of 1. For each task that waited,"
                      + " from the previous holder's release to its own invocation arriving at the"
                      + " algorithm (the release is the previous task's `finished_at`, written just"
                      + " after its slot was released and handed on).%n%n",
                  count, LATENCY_MS));
          body.append(LatencyReport.table(gaps)).append("\n");
          body.append(
              "The worker's own timer `algotask_slots_handoff_seconds` (slot handed on to that"
                  + " task's first invocation): "
                  + timer.describeMillis()
                  + ".\n\n");
          body.append(
              LatencyReport.outcome(
                  tasks, ids.size(), bench.load.resultsAmong(ids), bench.load.repeatsAmong(ids)));
          body.append(
              String.format(
                  "Peak running at the algorithm: %d (limit 1)%s.%n%n",
                  stats.path("peakRunning").asInt(), done ? "" : "; NOT ALL RESULTS ARRIVED"));
          body.append(Markdown.image("hand-off CDF", chart));
          return new ScenarioReport(
              "handoff",
              "Hand-off: one slot, 10 ms tasks",
              body.toString(),
              List.of(
                  new ScenarioReport.Figure(
                      "handoff",
                      "release to next invocation p50 / p99",
                      LatencySummary.ms(primary.p50())
                          + " / "
                          + LatencySummary.ms(primary.p99())
                          + " ms",
                      "p99 < 50 ms",
                      primary.count() > 0 && primary.p99() < TARGET_P99_MS)),
              bench.load.resultsAmong(ids),
              null);
        });
  }

  static final String RELEASE_TO_INVOKE = "release to next invocation received";
  static final String CALLBACK_TO_INVOKE = "callback recorded to next invocation received";
  static final String RELEASE_TO_RECORD = "release to next invocation recorded";

  /**
   * In grant order (the fencing token's counter), for each task that was submitted before its
   * predecessor finished (so it waited for that slot): the gaps from the predecessor's end.
   */
  static LinkedHashMap<String, List<Double>> gaps(
      List<Records.TaskTimes> tasks, SampleTimings sample) {
    var gaps = new LinkedHashMap<String, List<Double>>();
    gaps.put(RELEASE_TO_INVOKE, new ArrayList<>());
    gaps.put(RELEASE_TO_RECORD, new ArrayList<>());
    gaps.put(CALLBACK_TO_INVOKE, new ArrayList<>());
    var ordered =
        tasks.stream()
            .filter(t -> t.slotToken() != null && t.finishedAt() != null)
            .sorted(Comparator.comparingLong(Records.TaskTimes::grantCounter))
            .toList();
    for (int i = 1; i < ordered.size(); i++) {
      var previous = ordered.get(i - 1);
      var next = ordered.get(i);
      if (!next.submittedAt().isBefore(previous.finishedAt())) {
        continue; // it did not wait for this slot
      }
      var received = sample.of(next.taskId(), Math.max(1, next.attempts())).received();
      if (received != null) {
        gaps.get(RELEASE_TO_INVOKE).add(Timelines.millisBetween(previous.finishedAt(), received));
        if (previous.callbackAt() != null) {
          gaps.get(CALLBACK_TO_INVOKE)
              .add(Timelines.millisBetween(previous.callbackAt(), received));
        }
      }
      if (next.invokedAt() != null) {
        gaps.get(RELEASE_TO_RECORD)
            .add(Timelines.millisBetween(previous.finishedAt(), next.invokedAt()));
      }
    }
    return gaps;
  }
}
