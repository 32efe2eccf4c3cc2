package io.algotask.bench;

import io.algotask.demo.HelpOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar algotask-bench.jar [scenario ...] [--key=value ...]}: runs the scenarios over
 * the local stack and writes report.md with its plots; {@code ./algotask bench} builds and runs it.
 * Bad arguments exit 2 with the usage.
 */
@Command(
    name = "algotask-bench",
    customSynopsis = "java -jar algotask-bench.jar [scenario ...] [--key=value ...]",
    description = {
      "",
      "Scenarios (default: all, in this order): ceiling latency handoff throughput backlog ocr",
      "  ceiling     a minimal workflow with one activity, started as fast as the dev server takes",
      "  latency     1 task per second for a minute, instant algorithm",
      "  handoff     200 tasks of 10 ms on one slot: from the previous attempt's decision (its",
      "              callback recorded) and from the previous task's end to the next invocation",
      "  throughput  64 tasks in flight, limit 64, instant algorithm: sustained tasks per second",
      "  backlog     10,000 tasks at once on a limit of 8: time to drain, memory, and both",
      "              apps' heap after a collection against the tasks waiting",
      "              (about 20 minutes on two cores; 1,000 when it runs with the others,",
      "              so that the whole run stays within ten minutes)",
      "  ocr         60 single-page documents at once to the OCR service (Tesseract, capacity:",
      "              the processors), then to the sample service on the same limit: tasks and",
      "              pages per second per core, CPU per page, Algotask's CPU per task in both",
      "  adaptive    an adaptive limit (1 to 64) on the sample service with a hidden capacity of",
      "              8, then 4, then 12 (a minute each), 3 times the largest in flight: how soon",
      "              the limit in force settles within 10 %% of each, 429s, tasks per second",
      "              (not in all: 3 minutes)",
      "  fairness    tenant noisy submitting 10 times quiet's rate to one limit of 4, equal",
      "              weights: each tenant's queue wait; then both backlogged, weights 3:1: the",
      "              split of the grants (not in all: 3 minutes)",
      "  scaling     the throughput load on one worker-app, then on two: side by side, and which",
      "              worker ran what (not in all: for the cluster shape; on two cores it shows",
      "              correctness and where the bottleneck moves, not a speed-up)",
      "",
      "The report (report.md with its plots, and summary.json: each figure with its unit, target",
      "and whether it was met) goes to --report-dir. The apps (worker-app, api-app, the sample",
      "algorithm and the OCR service) run from the jars of the checkout that --root names. Before",
      "and after a change, back to back on the same stack:",
      "  1. build the earlier version's apps in a checkout of its own (git worktree add ../before",
      "     <commit>; ./mvnw -B -ntp -DskipTests package -pl worker-app,api-app,sample-algorithm",
      "     -am there, and for ocr algorithms/ocr), then measure them:",
      "     --root=../before --report-dir=bench/reports/before",
      "  2. measure this checkout's apps against it: --compare=bench/reports/before",
      "     (before, after and the change of every figure, in report.md and at the end)",
      "The launcher passes these on: ./algotask bench --root=../before --report-dir=...",
      "",
      "Settings (sizes and durations: the scenario's at --scale=1; the stack's addresses and"
          + " credentials: the local stack's):"
    },
    sortOptions = false,
    usageHelpWidth = 100)
public final class BenchMain implements Callable<Integer> {
  private final Instant started = Instant.now();
  @Mixin private BenchSettings settings = new BenchSettings(started);
  @Spec private CommandSpec spec;

  @Mixin private HelpOption help = new HelpOption();

  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The bench's command line: exit code 2 on bad arguments, 0 after {@code --help}. */
  static CommandLine commandLine() {
    // the launcher passes its own --root and --stack-dir first: the user's, after them, win
    return new CommandLine(new BenchMain()).setOverwrittenOptionsAllowed(true);
  }

  @Override
  public Integer call() throws Exception {
    settings.check(spec.commandLine());
    var missing = settings.missingJars();
    if (!missing.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--root "
              + settings.root()
              + " has not built "
              + missing
              + ": ./mvnw -B -ntp -DskipTests package -pl"
              + " worker-app,api-app,sample-algorithm"
              + (settings.scenarios().contains("ocr") ? ",algorithms/ocr" : "")
              + " -am there");
    }
    var args = spec.commandLine().getParseResult().originalArgs().toArray(String[]::new);
    return run(settings, args, started);
  }

  static int run(BenchSettings settings, String[] args, Instant started) throws Exception {
    var bench = new BenchRun(settings, started);
    BenchRun.log(
        "run "
            + bench.run
            + ": "
            + String.join(" ", settings.scenarios())
            + (settings.scale() < 1 ? " at scale " + settings.scale() : "")
            + "; report in "
            + settings.reportDir());
    var reports = new ArrayList<ScenarioReport>();
    var failures = new ArrayList<String>();
    var algotaskScenarios =
        settings.scenarios().stream().filter(s -> !s.equals("ceiling")).toList();
    Double appsStart = null;
    try {
      Leftovers.remove(settings, bench.records);
      if (settings.scenarios().contains("ceiling")) {
        attempt("ceiling", () -> reports.add(CeilingScenario.run(bench)), failures);
      }
      if (!algotaskScenarios.isEmpty()) {
        var t0 = System.nanoTime();
        bench.startApps(algotaskScenarios);
        appsStart = (System.nanoTime() - t0) / 1e9;
        for (var scenario : algotaskScenarios) {
          attempt(
              scenario,
              () ->
                  reports.addAll(
                      switch (scenario) {
                        case "latency" -> List.of(LatencyScenario.run(bench));
                        case "handoff" -> List.of(HandOffScenario.run(bench));
                        case "throughput" -> List.of(ThroughputScenario.run(bench));
                        case "backlog" -> List.of(BacklogScenario.run(bench));
                        case "ocr" -> OcrScenario.run(bench);
                        case "adaptive" -> List.of(AdaptiveScenario.run(bench));
                        case "fairness" -> FairnessScenario.run(bench);
                        case "scaling" -> ScalingScenario.run(bench);
                        default -> throw new IllegalArgumentException(scenario);
                      }),
              failures);
        }
      }
    } catch (Exception e) {
      failures.add("start-up: " + e);
      e.printStackTrace();
    } finally {
      bench.stop(algotaskScenarios);
      bench.sampler.close();
    }
    var header =
        new Report.Header(
            bench.run,
            started,
            Duration.between(started, Instant.now()).toMillis() / 1000.0,
            command(args),
            commit(settings.root()) + appsFrom(settings.root()),
            Machine.current(),
            settings.stack(),
            appsStart,
            failures);
    var file = Report.write(settings.reportDir(), header, reports, settings.before());
    BenchRun.log("report: " + file + " (figures also in " + Summary.FILE + ")");
    if (settings.before() != null) {
      BenchRun.log("compared with " + settings.before().describe() + ":");
      var figures = new ArrayList<Figure>();
      reports.forEach(r -> figures.addAll(r.figures()));
      System.out.print(Summary.compare(settings.before(), figures));
    }
    for (var report : settings.before() != null ? List.<ScenarioReport>of() : reports) {
      for (var figure : report.figures()) {
        BenchRun.log(
            String.format(
                "%-10s %s: %s%s",
                figure.scenario(),
                figure.name(),
                figure.shown(),
                figure.target().isEmpty()
                    ? ""
                    : " (target " + figure.target() + ": " + figure.verdict() + ")"));
      }
    }
    BenchRun.log(String.format("whole run %.0f s", header.wallSeconds()));
    return failures.isEmpty() ? 0 : 1;
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void attempt(String scenario, Step step, List<String> failures) {
    try {
      step.run();
    } catch (Exception e) {
      BenchRun.log("scenario " + scenario + " failed: " + e);
      e.printStackTrace();
      failures.add(scenario + ": " + e);
    }
  }

  /** The command as the user typed it: the launcher's, or else the jar's. */
  static String command(String[] args) {
    var launcher = System.getenv("ALGOTASK_BENCH_COMMAND");
    if (launcher != null && !launcher.isBlank()) {
      return launcher;
    }
    var shown = new ArrayList<String>();
    shown.add("java -jar algotask-bench.jar");
    for (var arg : args) {
      if (!arg.startsWith("--root=") && !arg.startsWith("--stack-dir=")) {
        shown.add(arg);
      }
    }
    return String.join(" ", shown);
  }

  /**
   * Where the apps came from, when that is not the checkout the bench itself was built in: a run of
   * another build's apps says so.
   */
  static String appsFrom(Path root) {
    try {
      var jar =
          Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // <checkout>/bench/target/algotask-bench.jar (or .../classes)
      var own = jar.getParent().getParent().getParent();
      return own.toAbsolutePath().normalize().equals(root) ? "" : "; the apps' jars from " + root;
    } catch (Exception e) {
      return "";
    }
  }

  /** The commit the run was built from, marked when the work tree had changes. */
  static String commit(Path root) {
    try {
      var head = git(root, "rev-parse", "--short", "HEAD").trim();
      var dirty = !git(root, "status", "--porcelain", "--untracked-files=no").isBlank();
      return head.isEmpty() ? "unknown" : head + (dirty ? " (with local changes)" : "");
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String git(Path root, String... args) throws Exception {
    var command = new ArrayList<String>(List.of("git", "-C", root.toString()));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var out = new String(process.getInputStream().readAllBytes());
    return process.waitFor() == 0 ? out : "";
  }
}
