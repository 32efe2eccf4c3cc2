package io.algotask.bench;

import io.algotask.demo.DocumentStore;
import io.algotask.demo.StorageSettings;
import io.algotask.ocr.SampleDocuments;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Real work beside the sample service's: N single-page documents submitted at once to the OCR
 * algorithm service (Tesseract, one thread per job, its capacity the concurrency limit), then the
 * same N at once to the sample service (instant) on the same limit. Tasks and pages per second, the
 * same per core the OCR service was given, its CPU per page with its Tesseract processes, and what
 * Algotask's own processes cost per task in both.
 */
final class OcrScenario {
  /** The phases' keys: each has an algorithm and a measuring window of its own. */
  static final String OCR_SERVICE = "ocr-service";

  static final String SAMPLE_SERVICE = "ocr-sample";
  static final List<String> PHASES = List.of(OCR_SERVICE, SAMPLE_SERVICE);

  /** The single-page sample documents the tasks take in turn. */
  static final List<String> DOCUMENTS = List.of("english.png", "chinese.png", "invoice.png");

  /** The sample service answers at once: what Algotask alone yields at the same concurrency. */
  private static final long SAMPLE_LATENCY_MS = 0;

  /**
   * One phase's figures: N tasks through one algorithm service, all submitted at once.
   *
   * @param pages pages recognised, as the OCR service counts them; 0 for the sample service, which
   *     recognises none
   * @param wallSeconds from the first submit to the last result seen
   * @param cores the cores the OCR service was given (its capacity): the per-core figures of both
   *     phases are over it
   * @param serviceCpuSeconds the algorithm service's CPU in the phase (the OCR service: its JVM and
   *     its Tesseract processes)
   * @param programCpuSeconds of that, the OCR service's own count of its Tesseract runs' CPU; null
   *     for the sample service
   * @param busy invocations the service answered 429 (all its slots taken); null for the sample
   * @param appsCpuMsPerTask worker-app and api-app's CPU per task completed
   * @param engineCpuMsPerTask the Temporal server's CPU per task completed
   * @param endToEnd submitted to result seen
   * @param atAlgorithm invocation recorded to callback recorded: the algorithm's part of a task
   */
  record Phase(
      String label,
      int submitted,
      long completed,
      long pages,
      double wallSeconds,
      int cores,
      double serviceCpuSeconds,
      Double programCpuSeconds,
      Long busy,
      Double appsCpuMsPerTask,
      Double engineCpuMsPerTask,
      LatencySummary endToEnd,
      LatencySummary atAlgorithm,
      boolean clean,
      String outcome,
      ResourceSampler.Measured usage,
      String logs) {

    Double tasksPerSecond() {
      return wallSeconds > 0 ? completed / wallSeconds : null;
    }

    Double pagesPerSecond() {
      return wallSeconds > 0 && pages > 0 ? pages / wallSeconds : null;
    }

    /** A rate over the cores the OCR service was given. */
    Double perCore(Double rate) {
      return rate == null || cores <= 0 ? null : rate / cores;
    }

    Double serviceCpuSecondsPerPage() {
      return pages > 0 ? serviceCpuSeconds / pages : null;
    }

    Double programCpuSecondsPerPage() {
      return pages > 0 && programCpuSeconds != null ? programCpuSeconds / pages : null;
    }

    Double serviceCpuMsPerTask() {
      return completed > 0 ? serviceCpuSeconds * 1000 / completed : null;
    }
  }

  private OcrScenario() {}

  /**
   * Runs both phases. Returns a report of each phase's measurements (columns of the report's CPU
   * and memory tables) and the scenario's section.
   */
  static List<ScenarioReport> run(BenchRun bench) throws Exception {
    var inputs = upload(bench.settings.storage(), bench.rawDir.resolve("ocr-documents"), "bench/");
    var ocr = bench.withOcrService(() -> phase(bench, OCR_SERVICE, "OCR service", "ocr", inputs));
    var sample = phase(bench, SAMPLE_SERVICE, "sample service", "sample", inputs);
    var phases = List.of(ocr, sample);
    var reports = new ArrayList<ScenarioReport>();
    for (var phase : phases) {
      reports.add(
          new ScenarioReport(
              "ocr, " + phase.label(), null, "", List.of(), phase.completed(), phase.usage()));
    }
    reports.add(
        new ScenarioReport(
            "ocr",
            "OCR: real work beside the sample service",
            body(bench.settings, phases),
            figures(ocr, sample),
            ocr.completed(),
            null));
    return reports;
  }

  /**
   * Submits the tasks at once to the phase's algorithm, each document in turn, and waits for every
   * result, measuring every process meanwhile.
   *
   * @param process the algorithm service's name among the tracked processes
   */
  private static Phase phase(
      BenchRun bench, String key, String label, String process, List<String> inputs)
      throws Exception {
    var count = bench.settings.ocrTasks();
    var cores = bench.settings.ocrCapacity();
    var ids = new ArrayList<String>();
    var inputOf = new LinkedHashMap<String, String>();
    for (int i = 0; i < count; i++) {
      var id = bench.taskId(key, i);
      ids.add(id);
      inputOf.put(id, inputs.get(i % inputs.size()));
    }
    var firstSubmit = new AtomicReference<Instant>();
    var counts = new AtomicReference<JsonNode>();
    var measured =
        bench.measure(
            key,
            SAMPLE_LATENCY_MS,
            window -> {
              firstSubmit.set(Instant.now());
              bench.load.submitAll(ids, bench.algorithm(key), inputOf::get);
              if (!bench.load.awaitAll(ids, timeout(count, cores))) {
                BenchRun.log(
                    label + ": only " + bench.load.resultsAmong(ids) + " of " + count + " results");
              }
              counts.set(bench.ocrCounts());
              return new ScenarioReport(
                  key, null, "", List.of(), bench.load.resultsAmong(ids), null);
            });
    var tasks = bench.records.tasksOf(bench.algorithm(key));
    var results = bench.load.resultsAmong(ids);
    var repeats = bench.load.repeatsAmong(ids);
    var lastResult = bench.load.lastResultAmong(ids).orElse(firstSubmit.get());
    var endToEnd = new ArrayList<Double>();
    for (var id : ids) {
      var result = bench.load.result(id);
      if (result != null) {
        endToEnd.add(Timelines.millisBetween(bench.load.submittedAt(id), result.at()));
      }
    }
    var atAlgorithm = new ArrayList<Double>();
    for (var task : tasks) {
      if (task.invokedAt() != null && task.callbackAt() != null) {
        atAlgorithm.add(Timelines.millisBetween(task.invokedAt(), task.callbackAt()));
      }
    }
    var ocr = key.equals(OCR_SERVICE) ? counts.get() : null;
    var service = measured.usage().process(process);
    return new Phase(
        label,
        count,
        results,
        ocr == null ? 0 : ocr.path("pages").asLong(),
        Duration.between(firstSubmit.get(), lastResult).toMillis() / 1000.0,
        cores,
        service == null ? 0 : service.cpuSeconds(),
        ocr == null || !ocr.has("cpuMillis") ? null : ocr.path("cpuMillis").asLong() / 1000.0,
        ocr == null ? null : ocr.path("busy").asLong(),
        Targets.cpuMsPerTask(measured, Targets.OWN_PROCESSES),
        Targets.engineCpuMsPerTask(measured),
        LatencySummary.of(endToEnd),
        LatencySummary.of(atAlgorithm),
        LatencyReport.clean(tasks, count, results, repeats),
        LatencyReport.outcome(tasks, count, results, repeats).trim(),
        measured.usage(),
        measured.body().trim());
  }

  /** Ten seconds per task and core, at least five minutes: a page takes a core a few seconds. */
  static Duration timeout(int tasks, int cores) {
    return Duration.ofSeconds(Math.max(300, tasks * 10L / Math.max(1, cores)));
  }

  /**
   * Renders the sample documents into the directory and puts the single-page ones into the input
   * bucket under the key prefix; returns their s3:// uris, in {@link #DOCUMENTS}' order.
   */
  static List<String> upload(StorageSettings storage, Path dir, String keyPrefix)
      throws IOException {
    SampleDocuments.writeAll(dir);
    try (var store = new DocumentStore(storage)) {
      return DOCUMENTS.stream()
          .map(document -> store.upload(keyPrefix + document, dir.resolve(document)))
          .toList();
    }
  }

  /** The section: what ran, both services side by side, the outcome. */
  static String body(BenchSettings settings, List<Phase> phases) {
    var out = new StringBuilder();
    out.append(
        String.format(
            "%d single-page documents (%s in turn, no language given: Tesseract's eng+chi_sim)"
                + " submitted at once to the OCR algorithm service, capacity %d (one Tesseract"
                + " thread per job: %d cores), on an algorithm with that concurrency limit; then"
                + " the same %d at once to the sample service, which answers at once, on the"
                + " same limit. Rates are results over the time from the first submit to the last"
                + " result; \"per core\" divides them by the OCR service's %d cores in both"
                + " columns, so the sample's column is what Algotask yields at this concurrency"
                + " when the algorithm costs next to nothing. The OCR service's CPU is its JVM's"
                + " with its Tesseract processes (their CPU is in the JVM's /proc figures once it"
                + " has waited for them). A 429 from the OCR service does not mean the limit was passed:"
                + " Algotask hands a slot on as soon as it records a callback, and the service frees"
                + " its own slot only once its callback has been answered; the invocation is sent"
                + " again after its Retry-After.%n%n",
            settings.ocrTasks(),
            String.join(", ", DOCUMENTS),
            settings.ocrCapacity(),
            settings.ocrCapacity(),
            settings.ocrTasks(),
            settings.ocrCapacity()));
    out.append(table(phases)).append("\n");
    phases.forEach(p -> out.append(LatencyReport.phaseLine(p.label(), p.outcome(), p.logs())));
    return out.toString();
  }

  /** The services side by side: a column each. */
  static String table(List<Phase> phases) {
    var headers = Markdown.row("figure", phases, Phase::label);
    var rows = new ArrayList<List<String>>();
    rows.add(
        row(
            "tasks completed (of submitted)",
            phases,
            p -> p.completed() + " (" + p.submitted() + ")"));
    rows.add(
        row("wall seconds, first submit to last result", phases, p -> num(p.wallSeconds(), 1)));
    rows.add(row("tasks per second", phases, p -> num(p.tasksPerSecond(), 2)));
    rows.add(row("tasks per second per core", phases, p -> num(p.perCore(p.tasksPerSecond()), 2)));
    rows.add(row("pages per second", phases, p -> num(p.pagesPerSecond(), 2)));
    rows.add(row("pages per second per core", phases, p -> num(p.perCore(p.pagesPerSecond()), 2)));
    rows.add(row("submit to result p50 / p99 ms", phases, p -> p.endToEnd().p50p99()));
    rows.add(
        row("invocation to callback recorded p50 / p99 ms", phases, p -> p.atAlgorithm().p50p99()));
    rows.add(
        row("algorithm service CPU ms per task", phases, p -> num(p.serviceCpuMsPerTask(), 1)));
    rows.add(
        row(
            "algorithm service CPU seconds per page",
            phases,
            p -> num(p.serviceCpuSecondsPerPage(), 2)));
    rows.add(
        row(
            "of which Tesseract's, by the service's own count",
            phases,
            p -> num(p.programCpuSecondsPerPage(), 2)));
    rows.add(
        row(
            "invocations answered 429 (all slots taken)",
            phases,
            p -> p.busy() == null ? "-" : Long.toString(p.busy())));
    rows.add(
        row("worker-app + api-app CPU ms per task", phases, p -> num(p.appsCpuMsPerTask(), 1)));
    rows.add(row("engine CPU ms per task", phases, p -> num(p.engineCpuMsPerTask(), 1)));
    rows.add(
        row(
            "cores busy on average (of " + phases.get(0).usage().cpus() + ")",
            phases,
            p -> num(p.usage().machineBusySeconds() / p.usage().wallSeconds(), 2)));
    return Markdown.table(headers, rows);
  }

  /** The summary's lines. */
  static List<Figure> figures(Phase ocr, Phase sample) {
    var figures = new ArrayList<Figure>();
    for (var phase : List.of(ocr, sample)) {
      var name = phase.label() + ": ";
      figures.add(
          Figure.of("ocr", name + "tasks per second", phase.tasksPerSecond(), Figure.PER_SECOND));
      figures.add(
          Figure.of(
              "ocr",
              name + "tasks per second per core",
              phase.perCore(phase.tasksPerSecond()),
              Figure.PER_SECOND_PER_CORE));
      if (phase == ocr) {
        figures.add(
            Figure.of(
                "ocr", name + "pages per second", phase.pagesPerSecond(), Figure.PAGES_PER_SECOND));
        figures.add(
            Figure.of(
                "ocr",
                name + "pages per second per core",
                phase.perCore(phase.pagesPerSecond()),
                Figure.PAGES_PER_SECOND_PER_CORE));
        figures.add(
            Figure.of(
                "ocr",
                name + "CPU seconds per page (its JVM and Tesseract)",
                phase.serviceCpuSecondsPerPage(),
                Figure.CPU_SECONDS_PER_PAGE));
        figures.add(
            Figure.text(
                "ocr",
                name + "invocations answered 429 (all slots taken)",
                phase.busy() == null ? "-" : Long.toString(phase.busy())));
      } else {
        figures.add(
            Figure.of("ocr", name + "CPU per task", phase.serviceCpuMsPerTask(), Figure.CPU_MS));
      }
      figures.addAll(
          LatencyReport.percentiles(
              "ocr", name + "submit to result", phase.endToEnd(), null, null));
      figures.add(
          Figure.of(
              "ocr",
              name + String.join(" + ", Targets.OWN_PROCESSES) + " CPU per task",
              phase.appsCpuMsPerTask(),
              Figure.CPU_MS));
    }
    figures.add(
        Figure.text(
            "ocr",
            "every task succeeded, one result each",
            ocr.clean() && sample.clean() ? "yes" : "no",
            "every task once",
            ocr.clean() && sample.clean() && ocr.completed() > 0 && sample.completed() > 0));
    return figures;
  }

  private static String num(Double value, int decimals) {
    return value == null ? "-" : Markdown.num(value, decimals);
  }

  private static List<String> row(String label, List<Phase> phases, Function<Phase, String> cell) {
    return Markdown.row(label, phases, cell);
  }
}
