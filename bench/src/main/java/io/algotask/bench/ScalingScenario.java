package io.algotask.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The throughput scenario's load on one worker-app, then again after a second worker-app joined on
 * the same task queue: figures side by side, and which worker ran how much. On two cores both
 * workers share the same CPUs, so the point is that both take tasks, every task still ends once,
 * and where the bottleneck moves; not a speed-up.
 */
final class ScalingScenario {
  /**
   * The phases' keys: each has an algorithm, a sample service and a measuring window of its own.
   */
  static final String ONE_WORKER = "scaling-1";

  static final String TWO_WORKERS = "scaling-2";
  static final List<String> PHASES = List.of(ONE_WORKER, TWO_WORKERS);

  /**
   * One phase's figures.
   *
   * @param completed tasks with a result among all those the phase submitted
   * @param clean whether every task succeeded once, with one result each
   * @param outcome the tasks by status, results seen, repeated and missing
   * @param usage every process's CPU and memory while the phase ran
   * @param perWorker what each worker-app ran in the phase
   * @param logs the apps' warnings and errors while it ran
   */
  record Phase(
      String label,
      double perSecond,
      long completedInWindow,
      LatencySummary submitToInvoke,
      LatencySummary endToEnd,
      long completed,
      boolean clean,
      String outcome,
      ResourceSampler.Measured usage,
      Map<String, WorkerCounts> perWorker,
      String logs) {

    /** The process that used the most CPU in the phase. */
    ResourceSampler.ProcessUsage busiest() {
      return usage.processes().stream()
          .max(Comparator.comparingDouble(ResourceSampler.ProcessUsage::cpuSeconds))
          .orElseThrow();
    }

    double cores(double cpuSeconds) {
      return cpuSeconds / usage.wallSeconds();
    }
  }

  private ScalingScenario() {}

  /**
   * Runs both phases. Returns a report of each phase's measurements (columns of the report's CPU
   * and memory tables, without a section of their own) and the scenario's section.
   */
  static List<ScenarioReport> run(BenchRun bench) throws Exception {
    var one = phase(bench, ONE_WORKER, "1 worker-app");
    bench.addWorker();
    var two = phase(bench, TWO_WORKERS, "2 worker-apps");
    var phases = List.of(one, two);
    var reports = new ArrayList<ScenarioReport>();
    for (var phase : phases) {
      reports.add(
          new ScenarioReport(
              "scaling, " + phase.label(), null, "", List.of(), phase.completed(), phase.usage()));
    }
    reports.add(
        new ScenarioReport(
            "scaling",
            "Scaling: one worker-app, then two",
            body(describeLoad(bench.settings), phases),
            figures(phases),
            two.completed(),
            null));
    return reports;
  }

  private static Phase phase(BenchRun bench, String key, String label) throws Exception {
    var before = counts(bench, key, "before");
    var outcome = new AtomicReference<SustainedLoad.Outcome>();
    var measured =
        bench.measure(
            key,
            0,
            window -> {
              var load = SustainedLoad.run(bench, key);
              outcome.set(load);
              return new ScenarioReport(key, null, "", List.of(), 0, null);
            });
    var after = counts(bench, key, "after");
    var perWorker = new LinkedHashMap<String, WorkerCounts>();
    after.forEach(
        (worker, counts) ->
            perWorker.put(worker, counts.since(before.getOrDefault(worker, WorkerCounts.NONE))));
    var load = outcome.get();
    var submitted = load.ids().size();
    var results = bench.load.resultsAmong(load.ids());
    var repeats = bench.load.repeatsAmong(load.ids());
    return new Phase(
        label,
        load.perSecond(),
        load.completedInWindow(),
        LatencySummary.of(load.headline().get(Timelines.HEADLINE.get(0))),
        LatencySummary.of(load.headline().get(Timelines.HEADLINE.get(3))),
        results,
        LatencyReport.clean(load.tasks(), submitted, results, repeats),
        LatencyReport.outcome(load.tasks(), submitted, results, repeats).trim(),
        measured.usage(),
        perWorker,
        measured.body().trim());
  }

  /**
   * Each worker-app's counters now, by its name; its Prometheus page is kept in the raw directory.
   */
  private static Map<String, WorkerCounts> counts(BenchRun bench, String key, String when)
      throws Exception {
    var counts = new LinkedHashMap<String, WorkerCounts>();
    for (var worker : bench.workers()) {
      var page = BenchRun.metrics(worker);
      Files.writeString(
          bench.rawDir.resolve(key + "-" + worker.name() + "-" + when + ".prom"), page);
      counts.put(worker.name(), WorkerCounts.parse(page, bench.algorithm(key)));
    }
    return counts;
  }

  private static String describeLoad(BenchSettings settings) {
    return String.format(
        "The throughput scenario's load (%d tasks in flight, a new one submitted as each result is"
            + " seen, limit %d, instant algorithm; warm-up %d s, then %d s measured) on one"
            + " worker-app, then again, on an algorithm of its own, after a second worker-app"
            + " joined on the same task queue (the same settings, ports of its own). One api-app"
            + " throughout. The stack: Kafka %s, Temporal %s, Redis %s.",
        settings.throughputInFlight(),
        BenchRun.LIMITS.get(ONE_WORKER),
        settings.throughputWarmUp().toSeconds(),
        settings.throughputDuration().toSeconds(),
        settings.kafka(),
        settings.temporal(),
        settings.redisClusterNodes().isEmpty()
            ? settings.redisUri()
            : "Cluster " + String.join(",", settings.redisClusterNodes()));
  }

  /** The section: what ran, the phases side by side, who ran what, the bottleneck, the outcome. */
  static String body(String load, List<Phase> phases) {
    var out = new StringBuilder();
    out.append(load).append("\n\n");
    out.append(
        "On a two-core machine every worker-app shares the same two cores with the stack and the"
            + " other apps: the point of this scenario there is correctness (both worker-apps take"
            + " tasks, every task still ends exactly once) and where the bottleneck moves, not a"
            + " speed-up. More worker-apps add throughput where each has CPUs of its own.\n\n");
    out.append(table(phases)).append("\n");
    out.append(bottleneck(phases)).append("\n\n");
    out.append(
        "What each worker-app ran in each phase, from its Prometheus page: the slots it granted"
            + " to the phase's tasks (a task's slot is granted by the worker that runs its"
            + " workflow, one per attempt), and the Temporal SDK's counts of workflow tasks, local"
            + " activities (the task workflow's steps, the invocation among them) and workflows"
            + " completed (read when the phase's last result was seen: a workflow completes just"
            + " after its result, so some are counted in the next reading).\n\n");
    out.append(workerTable(phases)).append("\n");
    phases.forEach(p -> out.append(LatencyReport.phaseLine(p.label(), p.outcome(), p.logs())));
    return out.toString();
  }

  /** The phases side by side: a column each. */
  static String table(List<Phase> phases) {
    var headers = Markdown.row("figure", phases, Phase::label);
    var rows = new ArrayList<List<String>>();
    rows.add(row("tasks per second (sustained)", phases, p -> Markdown.num(p.perSecond(), 1)));
    rows.add(
        row("results in the measured window", phases, p -> Long.toString(p.completedInWindow())));
    rows.add(row("submit to invoke p50 / p99 ms", phases, p -> p.submitToInvoke().p50p99()));
    rows.add(row("end to end p50 / p99 ms", phases, p -> p.endToEnd().p50p99()));
    for (var process : processes(phases)) {
      rows.add(
          row(
              "CPU ms per task: " + process,
              phases,
              p -> {
                var usage = find(p, process);
                return usage == null || p.completed() == 0
                    ? "-"
                    : Markdown.num(usage.cpuSeconds() * 1000 / p.completed(), 1);
              }));
    }
    rows.add(
        row(
            "CPU ms per task: all tracked",
            phases,
            p ->
                p.completed() == 0
                    ? "-"
                    : Markdown.num(p.usage().trackedCpuSeconds() * 1000 / p.completed(), 1)));
    for (var process : processes(phases)) {
      rows.add(
          row(
              "peak RSS MiB: " + process,
              phases,
              p -> {
                var usage = find(p, process);
                return usage == null || usage.peakKib() == 0
                    ? "-"
                    : Markdown.num(usage.peakKib() / 1024.0, 0);
              }));
    }
    rows.add(row("tasks completed", phases, p -> Long.toString(p.completed())));
    rows.add(row("wall seconds", phases, p -> Markdown.num(p.usage().wallSeconds(), 1)));
    rows.add(
        row(
            "cores busy on average (of " + phases.get(0).usage().cpus() + ")",
            phases,
            p -> Markdown.num(p.cores(p.usage().machineBusySeconds()), 2)));
    rows.add(
        row(
            "busiest process (cores on average)",
            phases,
            p ->
                p.busiest().name()
                    + " ("
                    + Markdown.num(p.cores(p.busiest().cpuSeconds()), 2)
                    + ")"));
    return Markdown.table(headers, rows);
  }

  /** Where the CPU went in each phase, in words. */
  static String bottleneck(List<Phase> phases) {
    var parts = new ArrayList<String>();
    for (var phase : phases) {
      var busiest = phase.busiest();
      parts.add(
          String.format(
              "with %s the busiest process was %s (%s cores on average) while the machine had"
                  + " %s of its %d cores busy",
              phase.label(),
              busiest.name(),
              Markdown.num(phase.cores(busiest.cpuSeconds()), 2),
              Markdown.num(phase.cores(phase.usage().machineBusySeconds()), 2),
              phase.usage().cpus()));
    }
    var text = String.join("; ", parts);
    return "Where the bottleneck is: "
        + text
        + ". A machine near all its cores busy is bound by its CPUs, whichever process uses most.";
  }

  /** A row per phase and worker-app. */
  static String workerTable(List<Phase> phases) {
    var rows = new ArrayList<List<String>>();
    for (var phase : phases) {
      phase
          .perWorker()
          .forEach(
              (worker, counts) ->
                  rows.add(
                      List.of(
                          phase.label(),
                          worker,
                          Markdown.num(counts.slotGrants(), 0),
                          Markdown.num(counts.workflowTasks(), 0),
                          Markdown.num(counts.localActivities(), 0),
                          Markdown.num(counts.workflowsCompleted(), 0))));
    }
    return Markdown.table(
        List.of(
            "phase",
            "worker",
            "slots granted",
            "workflow tasks",
            "local activities",
            "workflows completed"),
        rows);
  }

  /** The summary's lines: the phases' headline figures, and whether both workers took tasks. */
  static List<Figure> figures(List<Phase> phases) {
    var last = phases.get(phases.size() - 1);
    var shares = new ArrayList<String>();
    last.perWorker()
        .forEach(
            (worker, counts) -> shares.add(worker + " " + Markdown.num(counts.slotGrants(), 0)));
    var everyWorkerTookTasks =
        last.perWorker().size() > 1
            && last.perWorker().values().stream().allMatch(c -> c.slotGrants() > 0);
    var clean = phases.stream().allMatch(p -> p.clean() && p.completed() > 0);
    return List.of(
        Figure.text(
            "scaling",
            "tasks per second, " + labels(phases),
            joined(phases, p -> Markdown.num(p.perSecond(), 1))),
        Figure.text(
            "scaling",
            "end to end p50 / p99, " + labels(phases),
            joined(phases, p -> p.endToEnd().p50p99() + " ms")),
        Figure.text(
            "scaling",
            "busiest process, " + labels(phases),
            joined(phases, p -> p.busiest().name())),
        Figure.text(
            "scaling",
            "tasks granted a slot by each worker-app, " + last.label(),
            String.join(", ", shares),
            "each takes tasks; every task once",
            everyWorkerTookTasks && clean));
  }

  private static String labels(List<Phase> phases) {
    return joined(phases, Phase::label);
  }

  private static String joined(List<Phase> phases, Function<Phase, String> cell) {
    return String.join(" → ", phases.stream().map(cell).toList());
  }

  private static List<String> row(String label, List<Phase> phases, Function<Phase, String> cell) {
    return Markdown.row(label, phases, cell);
  }

  private static List<String> processes(List<Phase> phases) {
    return ResourceSampler.Measured.processNames(phases.stream().map(Phase::usage).toList());
  }

  private static ResourceSampler.ProcessUsage find(Phase phase, String process) {
    return phase.usage().process(process);
  }
}
