package io.algotask.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar algotask-bench.jar [scenario ...] [--key=value ...]}: runs the scenarios over
 * the local stack and writes report.md with its plots; {@code ./algotask bench} builds and runs it.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(BenchSettings.USAGE);
      return;
    }
    BenchSettings settings;
    var started = Instant.now();
    try {
      settings = BenchSettings.parse(args, started);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage() + "\n\n" + BenchSettings.USAGE);
      System.exit(2);
      return;
    }
    System.exit(run(settings, args, started));
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
                  reports.add(
                      switch (scenario) {
                        case "latency" -> LatencyScenario.run(bench);
                        case "handoff" -> HandOffScenario.run(bench);
                        case "throughput" -> ThroughputScenario.run(bench);
                        case "backlog" -> BacklogScenario.run(bench);
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
            commit(settings.root()),
            Machine.current(),
            appsStart,
            failures);
    var file = Report.write(settings.reportDir(), header, reports);
    BenchRun.log("report: " + file);
    for (var report : reports) {
      for (var figure : report.figures()) {
        BenchRun.log(
            String.format(
                "%-10s %s: %s%s",
                figure.scenario(),
                figure.what(),
                figure.value(),
                figure.met() == null
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
