package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalingScenarioTest {
  private static final ScalingScenario.Phase ONE =
      phase(
          "1 worker-app",
          8.2,
          List.of(
              new ResourceSampler.ProcessUsage("temporal", 20.0, 400 * 1024, 1),
              new ResourceSampler.ProcessUsage("worker-app", 16.0, 500 * 1024, 1)),
          98.0,
          Map.of("worker-app", new WorkerCounts(400, 1200, 800, 400)));

  private static final ScalingScenario.Phase TWO =
      phase(
          "2 worker-apps",
          7.9,
          List.of(
              new ResourceSampler.ProcessUsage("temporal", 22.0, 420 * 1024, 1),
              new ResourceSampler.ProcessUsage("worker-app", 9.0, 510 * 1024, 1),
              new ResourceSampler.ProcessUsage("worker-app-2", 10.0, 450 * 1024, 1)),
          99.0,
          workers(new WorkerCounts(190, 600, 400, 195), new WorkerCounts(210, 610, 400, 205)));

  @Test
  void thePhasesStandSideBySideWithTheCostPerTaskOfEveryProcessAndTheBusiestOne() {
    var table = ScalingScenario.table(List.of(ONE, TWO));

    assertThat(table)
        .startsWith("| figure | 1 worker-app | 2 worker-apps |\n|---|---|---|\n")
        .contains("| tasks per second (sustained) | 8.2 | 7.9 |")
        .contains("| results in the measured window | 400 | 400 |")
        .contains("| submit to invoke p50 / p99 ms | 85.0 / 209 | 85.0 / 209 |")
        .contains("| end to end p50 / p99 ms | 7500 / 14400 | 7500 / 14400 |")
        .contains("| CPU ms per task: temporal | 50.0 | 55.0 |")
        .contains("| CPU ms per task: worker-app | 40.0 | 22.5 |")
        .contains("| CPU ms per task: worker-app-2 | - | 25.0 |")
        .contains("| CPU ms per task: all tracked | 90.0 | 102.5 |")
        .contains("| peak RSS MiB: worker-app | 500 | 510 |")
        .contains("| peak RSS MiB: worker-app-2 | - | 450 |")
        .contains("| wall seconds | 50.0 | 50.0 |")
        .contains("| cores busy on average (of 2) | 1.96 | 1.98 |")
        .contains("| busiest process (cores on average) | temporal (0.40) | temporal (0.44) |");
  }

  @Test
  void theSectionSaysWhatTwoCoresShowAndWhichWorkerRanWhat() {
    var body = ScalingScenario.body("The load.", List.of(ONE, TWO));

    assertThat(body)
        .startsWith("The load.\n\n")
        .contains("On a two-core machine")
        .contains("correctness (both worker-apps take tasks, every task still ends exactly once)")
        .contains("where the bottleneck moves, not a speed-up")
        .contains(
            "Where the bottleneck is: with 1 worker-app the busiest process was temporal (0.40"
                + " cores on average) while the machine had 1.96 of its 2 cores busy; with 2"
                + " worker-apps the busiest process was temporal (0.44 cores on average)")
        .contains(
            "| phase | worker | slots granted | workflow tasks | local activities | workflows"
                + " completed |")
        .contains("| 1 worker-app | worker-app | 400 | 1200 | 800 | 400 |")
        .contains("| 2 worker-apps | worker-app | 190 | 600 | 400 | 195 |")
        .contains("| 2 worker-apps | worker-app-2 | 210 | 610 | 400 | 205 |")
        .contains("- 2 worker-apps: Submitted 400; all fine. The apps' logs: none.\n");
  }

  @Test
  void theSummarySaysWhetherEachWorkerTookTasksAndEveryTaskEndedOnce() {
    var figures = ScalingScenario.figures(List.of(ONE, TWO));

    assertThat(figures)
        .extracting(Figure::name, Figure::shown)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "tasks per second, 1 worker-app → 2 worker-apps", "8.2 → 7.9"),
            org.assertj.core.groups.Tuple.tuple(
                "end to end p50 / p99, 1 worker-app → 2 worker-apps",
                "7500 / 14400 ms → 7500 / 14400 ms"),
            org.assertj.core.groups.Tuple.tuple(
                "busiest process, 1 worker-app → 2 worker-apps", "temporal → temporal"),
            org.assertj.core.groups.Tuple.tuple(
                "tasks granted a slot by each worker-app, 2 worker-apps",
                "worker-app 190, worker-app-2 210"));
    assertThat(figures.get(3).verdict()).isEqualTo("met");

    var idleSecond =
        phase(
            "2 worker-apps",
            7.9,
            TWO.usage().processes(),
            99.0,
            workers(new WorkerCounts(400, 1200, 800, 400), new WorkerCounts(0, 4, 2, 0)));
    assertThat(ScalingScenario.figures(List.of(ONE, idleSecond)).get(3).verdict())
        .isEqualTo("missed");
  }

  @Test
  void aWorkersCountsAreItsGrantsOfTheAlgorithmAndTheTemporalSdksCountersOverAllLabels() {
    var page =
        """
        # HELP algotask_slots_grants_total
        # TYPE algotask_slots_grants_total counter
        algotask_slots_grants_total{algorithm="run-scaling-2",how="at-once"} 38.0
        algotask_slots_grants_total{algorithm="run-scaling-2",how="handed-on"} 2.0
        algotask_slots_grants_total{algorithm="run-scaling-1",how="at-once"} 99.0
        temporal_workflow_completed_total{namespace="default",workflow_type="Task"} 40.0
        temporal_workflow_completed_total{namespace="default",workflow_type="Other"} 2.0
        temporal_workflow_task_execution_latency_seconds_count{task_queue="q"} 130
        temporal_workflow_task_execution_latency_seconds_sum{task_queue="q"} 3.5
        temporal_local_activity_total{activity_type="Invoke"} 81.0
        temporal_local_activity_total{activity_type="Acquire"} 40.0
        temporal_local_activity_total_other 999
        """;

    var counts = WorkerCounts.parse(page, "run-scaling-2");

    assertThat(counts).isEqualTo(new WorkerCounts(40, 130, 121, 42));
    assertThat(counts.since(new WorkerCounts(0, 30, 21, 2)))
        .isEqualTo(new WorkerCounts(40, 100, 100, 40));
    assertThat(WorkerCounts.parse("", "run-scaling-2")).isEqualTo(WorkerCounts.NONE);
  }

  private static Map<String, WorkerCounts> workers(WorkerCounts first, WorkerCounts second) {
    var workers = new LinkedHashMap<String, WorkerCounts>();
    workers.put("worker-app", first);
    workers.put("worker-app-2", second);
    return workers;
  }

  private static ScalingScenario.Phase phase(
      String label,
      double perSecond,
      List<ResourceSampler.ProcessUsage> processes,
      double machineBusySeconds,
      Map<String, WorkerCounts> perWorker) {
    return new ScalingScenario.Phase(
        label,
        perSecond,
        400,
        new LatencySummary(300, 85, 120, 209, 250, 90),
        new LatencySummary(300, 7500, 12000, 14400, 15000, 7600),
        400,
        true,
        "Submitted 400; all fine.",
        new ResourceSampler.Measured("scaling", 0, 50_000, processes, machineBusySeconds, 2),
        perWorker,
        "The apps' logs: none.");
  }
}
