package io.algotask.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/** report.md: the summary, where the time goes, then each scenario's section. */
final class Report {
  static final String CPU_CHART = "cpu-by-process.png";
  static final String MEMORY_CHART = "memory-by-process.png";

  /** What the report says about the run itself. */
  record Header(
      String run,
      Instant started,
      double wallSeconds,
      String command,
      String commit,
      Machine machine,
      String stack,
      Double appsStartSeconds,
      List<String> failures) {}

  private Report() {}

  /**
   * Writes report.md, its plots and summary.json.
   *
   * @param before an earlier run's summary to compare with, or null
   */
  static Path write(Path dir, Header header, List<ScenarioReport> scenarios, Summary before)
      throws IOException {
    var md = render(header, scenarios, before);
    Summary.of(header, scenarios).write(dir);
    var measured = scenarios.stream().filter(s -> s.usage() != null).toList();
    Charts.bars(
        dir.resolve(CPU_CHART),
        "CPU seconds per process and scenario",
        "CPU seconds",
        byScenario(measured, true));
    Charts.bars(
        dir.resolve(MEMORY_CHART),
        "Peak memory per process and scenario",
        "MiB (RSS; PostgreSQL: PSS of all its processes)",
        byScenario(measured, false));
    var file = dir.resolve("report.md");
    Files.writeString(file, md);
    return file;
  }

  static String render(Header header, List<ScenarioReport> scenarios) {
    return render(header, scenarios, null);
  }

  static String render(Header header, List<ScenarioReport> scenarios, Summary before) {
    var out = new StringBuilder();
    out.append("# Algotask benchmark\n\n");
    out.append(
        String.format(
            "Run `%s`, started %s, %s s in all%s.%n%n",
            header.run(),
            DateTimeFormatter.ISO_INSTANT.format(header.started().atOffset(ZoneOffset.UTC)),
            Markdown.num(header.wallSeconds(), 0),
            header.appsStartSeconds() == null
                ? ""
                : " (the apps took "
                    + Markdown.num(header.appsStartSeconds(), 0)
                    + " s to start and warm up)"));
    out.append("- command: `").append(header.command()).append("`\n");
    out.append("- commit: ").append(header.commit()).append("\n");
    out.append("- machine: ").append(header.machine().describe()).append("\n");
    out.append(
        "- everything on this one machine: "
            + header.stack()
            + ", worker-app and api-app from their jars, the sample algorithm service, and the"
            + " bench itself\n");
    for (var failure : header.failures()) {
      out.append("- **failed**: ").append(failure).append("\n");
    }
    out.append("\n## Summary\n\n");
    out.append(summary(scenarios, before));
    out.append("\n## Where the time goes\n\n");
    out.append(usage(scenarios));
    for (var scenario : scenarios) {
      if (scenario.title() == null) {
        continue; // measurements only: columns of the tables above
      }
      out.append("\n## ").append(scenario.title()).append("\n\n");
      out.append(scenario.body());
      out.append("\n");
    }
    return out.toString();
  }

  /** The figures beside their targets; against an earlier run's when there is one. */
  static String summary(List<ScenarioReport> scenarios, Summary before) {
    var figures = new ArrayList<Figure>();
    scenarios.forEach(s -> figures.addAll(s.figures()));
    if (before != null) {
      return "Compared with "
          + before.describe()
          + ": change is after minus before.\n\n"
          + Summary.compare(before, figures);
    }
    var rows = new ArrayList<List<String>>();
    for (var figure : figures) {
      rows.add(
          List.of(
              figure.scenario(), figure.name(), figure.shown(), figure.target(), figure.verdict()));
    }
    return Markdown.table(List.of("scenario", "figure", "value", "target", ""), rows)
        + "\nThe same figures are in summary.json; `--compare` with this report's directory shows a"
        + " later run's change against them.\n";
  }

  /** CPU seconds and peak memory of each process in each scenario. */
  static String usage(List<ScenarioReport> scenarios) {
    var measured = scenarios.stream().filter(s -> s.usage() != null).toList();
    if (measured.isEmpty()) {
      return "Nothing measured.\n";
    }
    var out = new StringBuilder();
    out.append(
        "CPU seconds (user + system, from /proc/<pid>/stat) used by each process while each"
            + " scenario ran, and the cores that makes on average over the scenario's wall"
            + " time:\n\n");
    var headers = new ArrayList<String>();
    headers.add("CPU seconds");
    measured.forEach(s -> headers.add(s.name()));
    var rows =
        perProcess(
            measured, (s, usage) -> usage == null ? "-" : Markdown.num(usage.cpuSeconds(), 1));
    rows.add(row("all tracked", measured, m -> Markdown.num(m.usage().trackedCpuSeconds(), 1)));
    rows.add(
        row(
            "whole machine (busy)",
            measured,
            m -> Markdown.num(m.usage().machineBusySeconds(), 1)));
    rows.add(row("wall seconds", measured, m -> Markdown.num(m.usage().wallSeconds(), 1)));
    rows.add(
        row(
            "cores busy on average (of " + measured.get(0).usage().cpus() + ")",
            measured,
            m -> Markdown.num(m.usage().machineBusySeconds() / m.usage().wallSeconds(), 2)));
    out.append(Markdown.table(headers, rows));
    out.append(
        "\nThe same per task completed in the scenario (the ceiling: per workflow), in CPU"
            + " milliseconds: what one more task costs each process.\n\n");
    var perTask =
        perProcess(
            measured,
            (s, usage) ->
                usage == null || s.completed() == 0
                    ? "-"
                    : Markdown.num(usage.cpuSeconds() * 1000 / s.completed(), 1));
    perTask.add(
        row(
            "all tracked",
            measured,
            m ->
                m.completed() == 0
                    ? "-"
                    : Markdown.num(m.usage().trackedCpuSeconds() * 1000 / m.completed(), 1)));
    perTask.add(row("completed", measured, m -> Long.toString(m.completed())));
    for (var app : List.of("worker-app", "api-app")) {
      perTask.add(
          row(
              app + ": of which JIT compilation",
              measured,
              m -> {
                var usage = m.usage().process(app);
                return usage == null || m.completed() == 0
                    ? "-"
                    : Markdown.num(usage.compilerSeconds() * 1000 / m.completed(), 1);
              }));
    }
    var perTaskHeaders = new ArrayList<>(headers);
    perTaskHeaders.set(0, "CPU ms per task");
    out.append(Markdown.table(perTaskHeaders, perTask));
    out.append(
        "\nThe JIT compilation rows are the apps' compiler threads (C1, C2): compiling hot code is"
            + " a cost of a process's first minutes, not of each task; what remains is the steady"
            + " state's cost.\n"
            + "\n\"whole machine\" counts every process, also those of others; the difference to \"all"
            + " tracked\" is what ran beside the benchmark. The stack's services (temporal, kafka,"
            + " postgres, redis, s3proxy) serve whoever uses them: on a shared stack their figures"
            + " include other clients' work too.\n\n");
    out.append(Markdown.image("CPU seconds per process", CPU_CHART));
    out.append(
        "\nPeak memory in MiB while each scenario ran, sampled every 0.5 s (RSS; PostgreSQL: the"
            + " PSS of the postmaster and all its backends, so shared memory counts once, every 2 s):\n\n");
    var memoryHeaders = new ArrayList<String>();
    memoryHeaders.add("peak MiB");
    measured.forEach(s -> memoryHeaders.add(s.name()));
    var memoryRows =
        perProcess(
            measured,
            (s, usage) ->
                usage == null || usage.peakKib() == 0
                    ? "-"
                    : Markdown.num(usage.peakKib() / 1024.0, 0)
                        + (usage.processes() > 1 ? " (" + usage.processes() + " processes)" : ""));
    out.append(Markdown.table(memoryHeaders, memoryRows));
    out.append("\n").append(Markdown.image("peak memory per process", MEMORY_CHART));
    return out.toString();
  }

  private static List<String> row(
      String label, List<ScenarioReport> measured, Function<ScenarioReport, String> cell) {
    return Markdown.row(label, measured, cell);
  }

  /** A row per process, a cell per scenario (the usage is null where the process did not run). */
  private static List<List<String>> perProcess(
      List<ScenarioReport> measured,
      BiFunction<ScenarioReport, ResourceSampler.ProcessUsage, String> cell) {
    var rows = new ArrayList<List<String>>();
    for (var process : processes(measured)) {
      rows.add(row(process, measured, s -> cell.apply(s, find(s, process))));
    }
    return rows;
  }

  private static List<String> processes(List<ScenarioReport> measured) {
    return ResourceSampler.Measured.processNames(
        measured.stream().map(ScenarioReport::usage).toList());
  }

  private static ResourceSampler.ProcessUsage find(ScenarioReport scenario, String process) {
    return scenario.usage().process(process);
  }

  /** series = scenario, category = process; CPU seconds or peak MiB. */
  static Map<String, Map<String, Double>> byScenario(List<ScenarioReport> measured, boolean cpu) {
    var data = new LinkedHashMap<String, Map<String, Double>>();
    for (var s : measured) {
      var values = new LinkedHashMap<String, Double>();
      for (var p : s.usage().processes()) {
        values.put(shortName(p.name()), cpu ? p.cpuSeconds() : p.peakKib() / 1024.0);
      }
      data.put(s.name(), values);
    }
    return data;
  }

  private static String shortName(String process) {
    var space = process.indexOf(' ');
    return space < 0 ? process : process.substring(0, space);
  }
}
