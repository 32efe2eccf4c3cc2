package io.algotask.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The targets every run is held against, in one place: each figure that has one shows it beside its
 * value in the summary, with met or missed.
 */
final class Targets {

  /** How a value is held against its bound. */
  enum Comparison {
    BELOW("<"),
    AT_MOST("<="),
    AT_LEAST(">=");

    private final String sign;

    Comparison(String sign) {
      this.sign = sign;
    }

    boolean holds(double value, double bound) {
      return switch (this) {
        case BELOW -> value < bound;
        case AT_MOST -> value <= bound;
        case AT_LEAST -> value >= bound;
      };
    }
  }

  /** A bound on one figure, e.g. {@code < 30 ms}. */
  record Target(Comparison comparison, double bound, String unit) {
    boolean met(double value) {
      return comparison.holds(value, bound);
    }

    String text() {
      var number = BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
      return comparison.sign + " " + number + (unit.isEmpty() ? "" : " " + unit);
    }
  }

  /** Sustained tasks per second as a share of the engine's minimal workflows per second. */
  static final Target THROUGHPUT_SHARE_OF_CEILING =
      new Target(Comparison.AT_LEAST, 0.8, Figure.SHARE_OF_CEILING);

  /** CPU per task of Algotask's own processes ({@link #OWN_PROCESSES}) under full load. */
  static final Target OWN_CPU_MS_PER_TASK = new Target(Comparison.AT_MOST, 35, Figure.CPU_MS);

  /**
   * The engine's CPU per task under full load, over the CPU per workflow of the ceiling's minimal
   * workflow measured in the same run.
   */
  static final Target ENGINE_CPU_TO_CEILING =
      new Target(Comparison.AT_MOST, 1.3, Figure.TIMES_THE_CEILING);

  /** Limit 1, 10 ms tasks: the previous attempt decided to the next invocation received. */
  static final Target HANDOFF_P50_MS = new Target(Comparison.BELOW, 30, Figure.MS);

  static final Target HANDOFF_P99_MS = new Target(Comparison.BELOW, 100, Figure.MS);

  /** At 1 task per second: submitted to invocation received at the algorithm. */
  static final Target SUBMIT_TO_INVOKE_P50_MS = new Target(Comparison.BELOW, 40, Figure.MS);

  static final Target SUBMIT_TO_INVOKE_P99_MS = new Target(Comparison.BELOW, 100, Figure.MS);

  /** At 1 task per second: callback recorded to result seen by the business service. */
  static final Target CALLBACK_TO_RESULT_P99_MS = new Target(Comparison.BELOW, 100, Figure.MS);

  /** The backlog: worker-app's heap after a collection, fitted over the tasks waiting. */
  static final Target BACKLOG_HEAP_GROWTH =
      new Target(Comparison.BELOW, 2, Figure.MIB_PER_1000_WAITING);

  /**
   * An adaptive limit: from the start, or a change of the algorithm's hidden capacity, until it
   * stays within 10 % of that capacity.
   */
  static final Target ADAPTIVE_SETTLE_SECONDS = new Target(Comparison.BELOW, 60, Figure.SECONDS);

  /**
   * Weights 3:1, both tenants waiting: how far the heavier tenant's share of the grants is from its
   * 75 %, either way.
   */
  static final Target WEIGHTED_SPLIT_DEVIATION =
      new Target(Comparison.AT_MOST, 5, Figure.PERCENTAGE_POINTS);

  /** Algotask's own processes, whose CPU per task the target bounds. */
  static final List<String> OWN_PROCESSES = List.of("worker-app", "api-app");

  /** The engine's process, by its name in either shape of the stack. */
  static final List<String> ENGINE_PROCESSES = List.of("temporal", "temporalpg");

  /** The scenario whose CPU per task the targets hold (full load). */
  static final String CPU_SCENARIO = "throughput";

  private Targets() {}

  /** The engine's CPU milliseconds per task (the ceiling: per workflow) in a measured scenario. */
  static Double engineCpuMsPerTask(ScenarioReport report) {
    return cpuMsPerTask(report, ENGINE_PROCESSES);
  }

  /**
   * The CPU milliseconds per completed task of the named processes together; null when the scenario
   * was not measured, completed nothing or none of them ran.
   */
  static Double cpuMsPerTask(ScenarioReport report, List<String> processes) {
    return cpuMsPerTask(report, processes, false);
  }

  /**
   * As {@link #cpuMsPerTask(ScenarioReport, List)}; {@code withoutCompiler} leaves out the JIT
   * compiler threads' CPU (a JVM's cost of its first minutes, not of each task).
   */
  static Double cpuMsPerTask(
      ScenarioReport report, List<String> processes, boolean withoutCompiler) {
    if (report.usage() == null || report.completed() == 0) {
      return null;
    }
    var seconds = 0.0;
    var found = false;
    for (var name : processes) {
      var usage = report.usage().process(name);
      if (usage != null) {
        seconds += usage.cpuSeconds() - (withoutCompiler ? usage.compilerSeconds() : 0);
        found = true;
      }
    }
    return found ? seconds * 1000 / report.completed() : null;
  }

  /**
   * A measured scenario's CPU figures: Algotask's own CPU per task in every scenario; under full
   * load also the engine's, against the ceiling's, each with its target.
   *
   * @param ceilingEngineMs the engine's CPU per minimal workflow in the ceiling; null if not run
   */
  static List<Figure> cpuFigures(ScenarioReport report, Double ceilingEngineMs) {
    var figures = new ArrayList<Figure>();
    var own = cpuMsPerTask(report, OWN_PROCESSES);
    var name = String.join(" + ", OWN_PROCESSES) + " CPU per task";
    if (!report.name().equals(CPU_SCENARIO)) {
      figures.add(Figure.of(report.name(), name, own, Figure.CPU_MS));
      return figures;
    }
    figures.add(Figure.against(report.name(), name, own, Figure.CPU_MS, OWN_CPU_MS_PER_TASK));
    figures.add(
        Figure.of(
            report.name(),
            name + " without JIT compilation",
            cpuMsPerTask(report, OWN_PROCESSES, true),
            Figure.CPU_MS));
    var engine = engineCpuMsPerTask(report);
    figures.add(Figure.of(report.name(), "engine CPU per task", engine, Figure.CPU_MS));
    var ratio =
        engine == null || ceilingEngineMs == null || ceilingEngineMs == 0
            ? null
            : engine / ceilingEngineMs;
    figures.add(
        Figure.against(
            report.name(),
            "engine CPU per task over the ceiling's per workflow",
            ratio,
            Figure.TIMES_THE_CEILING,
            ENGINE_CPU_TO_CEILING));
    // The machine's speed moves between runs (the same minimal workflow's CPU by a third): set
    // against the ceiling's engine CPU of the same run, the apps' CPU compares across runs.
    figures.add(
        Figure.of(
            report.name(),
            name + " over the ceiling's engine CPU per workflow",
            own == null || ceilingEngineMs == null || ceilingEngineMs == 0
                ? null
                : own / ceilingEngineMs,
            Figure.TIMES_THE_CEILING));
    return figures;
  }
}
