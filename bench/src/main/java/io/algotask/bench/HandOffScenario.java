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

          var timelines = bench.timelines(tasks, "handoff");

          var chart = "handoff-cdf.png";
          Charts.cdf(
              bench.reportDir.resolve(chart), "Hand-off of one slot (limit 1, 10 ms tasks)", gaps);
          var decided = LatencySummary.of(gaps.get(DECIDED_TO_INVOKE));
          var finished = LatencySummary.of(gaps.get(RELEASE_TO_INVOKE));
          var body = new StringBuilder();
          body.append(
              String.format(
                  "%d tasks of %d ms submitted at once on a limit of 1. For each task that waited,"
                      + " in the order the slot was granted (the fencing token's counter), the gap"
                      + " since the task before it let the slot go: from the moment that task's"
                      + " deciding attempt was decided (its callback recorded: the attempt's"
                      + " `task_execution.finished_at`), when the slot can be handed on at the"
                      + " earliest, and from that task's end (`task.finished_at`, written just after"
                      + " its slot was released and handed on), to the next invocation arriving at"
                      + " the algorithm (or recorded). The target is held against the first.%n%n",
                  count, LATENCY_MS));
          body.append(LatencyReport.table(gaps)).append("\n");
          body.append(
              "The slots' own timer `algotask_slots_handoff_seconds` (from worker-app's Prometheus"
                  + " page: the slot handed on, to that task's first invocation): "
                  + timer.describeMillis()
                  + ".\n\n");
          body.append("Each task step by step:\n\n");
          body.append(LatencyReport.steps(timelines)).append("\n");
          body.append(
              LatencyReport.outcome(
                  tasks, ids.size(), bench.load.resultsAmong(ids), bench.load.repeatsAmong(ids)));
          body.append(
              String.format(
                  "Peak running at the algorithm: %d (limit 1)%s.%n%n",
                  stats.path("peakRunning").asInt(), done ? "" : "; NOT ALL RESULTS ARRIVED"));
          body.append(Markdown.image("hand-off CDF", chart));
          var figures = new ArrayList<Figure>();
          figures.addAll(
              LatencyReport.percentiles(
                  "handoff",
                  DECIDED_TO_INVOKE,
                  decided,
                  Targets.HANDOFF_P50_MS,
                  Targets.HANDOFF_P99_MS));
          figures.addAll(
              LatencyReport.percentiles("handoff", RELEASE_TO_INVOKE, finished, null, null));
          figures.add(
              Figure.of(
                  "handoff",
                  "slots' hand-off timer mean",
                  timer.count() == 0 ? null : timer.sum() / timer.count() * 1000,
                  Figure.MS));
          return new ScenarioReport(
              "handoff",
              "Hand-off: one slot, 10 ms tasks",
              body.toString(),
              figures,
              bench.load.resultsAmong(ids),
              null);
        });
  }

  static final String DECIDED_TO_INVOKE = "previous attempt decided to next invocation received";
  static final String RELEASE_TO_INVOKE = "previous task finished to next invocation received";
  static final String RELEASE_TO_RECORD = "previous task finished to next invocation recorded";

  /**
   * In grant order (the fencing token's counter), for each task that was submitted before its
   * predecessor's attempt was decided (so it waited for that slot): the gaps from the predecessor's
   * decision and from its end.
   */
  static LinkedHashMap<String, List<Double>> gaps(
      List<Records.TaskTimes> tasks, SampleTimings sample) {
    var gaps = new LinkedHashMap<String, List<Double>>();
    gaps.put(DECIDED_TO_INVOKE, new ArrayList<>());
    gaps.put(RELEASE_TO_INVOKE, new ArrayList<>());
    gaps.put(RELEASE_TO_RECORD, new ArrayList<>());
    var ordered =
        tasks.stream()
            .filter(t -> t.slotToken() != null && t.finishedAt() != null)
            .sorted(Comparator.comparingLong(Records.TaskTimes::grantCounter))
            .toList();
    for (int i = 1; i < ordered.size(); i++) {
      var previous = ordered.get(i - 1);
      var next = ordered.get(i);
      var freed = previous.callbackAt() != null ? previous.callbackAt() : previous.finishedAt();
      if (!next.submittedAt().isBefore(freed)) {
        continue; // it did not wait for this slot
      }
      var received = sample.of(next.taskId(), Math.max(1, next.attempts())).received();
      if (received != null) {
        if (previous.callbackAt() != null) {
          gaps.get(DECIDED_TO_INVOKE).add(Timelines.millisBetween(previous.callbackAt(), received));
        }
        gaps.get(RELEASE_TO_INVOKE).add(Timelines.millisBetween(previous.finishedAt(), received));
      }
      if (next.invokedAt() != null) {
        gaps.get(RELEASE_TO_RECORD)
            .add(Timelines.millisBetween(previous.finishedAt(), next.invokedAt()));
      }
    }
    return gaps;
  }
}
