package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OcrScenarioTest {
  private static final long TICKS_PER_SECOND = 100;

  /** 60 pages in 30 s on 2 cores, the service using 36 CPU s. */
  private static final OcrScenario.Phase OCR =
      phase("OCR service", 60, 60, 30.0, 36.0, 45.0, true, List.of(1500.0, 2900.0, 3100.0));

  /** The same 60 tasks through the sample service in 6 s, its own CPU 0.6 s. */
  private static final OcrScenario.Phase SAMPLE =
      phase("sample service", 60, 0, 6.0, 0.6, 30.0, true, List.of(900.0, 1000.0, 1100.0));

  @Test
  void ratesAreResultsOverTheWallTimeAndPerCoreOverTheCoresTheOcrServiceWasGiven() {
    assertThat(OCR.tasksPerSecond()).isEqualTo(2.0);
    assertThat(OCR.pagesPerSecond()).isEqualTo(2.0);
    assertThat(OCR.perCore(OCR.tasksPerSecond())).isEqualTo(1.0);
    assertThat(OCR.perCore(OCR.pagesPerSecond())).isEqualTo(1.0);
    assertThat(OCR.serviceCpuSecondsPerPage()).isEqualTo(0.6);
    assertThat(OCR.serviceCpuMsPerTask()).isEqualTo(600.0);
    assertThat(OCR.programCpuSecondsPerPage()).isEqualTo(36.0 * 0.9 / 60);

    assertThat(SAMPLE.tasksPerSecond()).isEqualTo(10.0);
    assertThat(SAMPLE.perCore(SAMPLE.tasksPerSecond())).isEqualTo(5.0);
    assertThat(SAMPLE.serviceCpuMsPerTask()).isEqualTo(10.0);
    assertThat(SAMPLE.pagesPerSecond()).as("the sample recognises no page").isNull();
    assertThat(SAMPLE.serviceCpuSecondsPerPage()).isNull();
    assertThat(SAMPLE.programCpuSecondsPerPage()).isNull();
  }

  @Test
  void aPhaseThatCompletedNothingHasNoRatesRatherThanZeroesOrInfinities() {
    var nothing = phase("OCR service", 0, 0, 0.0, 1.0, null, false, List.of());

    assertThat(nothing.tasksPerSecond()).isNull();
    assertThat(nothing.pagesPerSecond()).isNull();
    assertThat(nothing.perCore(nothing.tasksPerSecond())).isNull();
    assertThat(nothing.serviceCpuSecondsPerPage()).isNull();
    assertThat(nothing.serviceCpuMsPerTask()).isNull();
  }

  @Test
  void theCpuPerPageIsTheServicesWholeTreeTesseractsFinishedAndRunningAlike() {
    // before: the JVM has waited for earlier Tesseract runs (cutime, cstime); one runs now
    var before =
        List.of(
            stat(1, 0, 0, 0, 0, 0),
            stat(500, 1, 400, 100, 1_000, 200), // the OCR service's JVM
            stat(510, 500, 30, 5, 0, 0), // a Tesseract running
            stat(600, 1, 9_999, 9_999, 0, 0)); // someone else
    // after: that one and two more ended and were waited for (their CPU in the JVM's cutime and
    // cstime now), one more runs
    var after =
        List.of(
            stat(1, 0, 0, 0, 0, 0),
            stat(500, 1, 450, 110, 1_000 + 60 + 70 + 80, 200 + 10 + 10 + 10),
            stat(530, 500, 20, 4, 0, 0),
            stat(600, 1, 19_999, 19_999, 0, 0));

    var ticks =
        TrackedProcess.ticks(TrackedProcess.descendants(500, after))
            - TrackedProcess.ticks(TrackedProcess.descendants(500, before));
    var cpuSeconds = ticks / (double) TICKS_PER_SECOND;
    var phase = phase("OCR service", 3, 3, 10.0, cpuSeconds, 40.0, true, List.of(1.0));

    // the JVM 50 + 10, the ended runs 210 + 30, the new one 24, less the running one's 35 before
    assertThat(ticks).isEqualTo(60 + 240 + 24 - 35);
    assertThat(phase.serviceCpuSecondsPerPage()).isEqualTo(2.89 / 3);
  }

  @Test
  void theServicesStandSideBySide() {
    var table = OcrScenario.table(List.of(OCR, SAMPLE));

    assertThat(table)
        .startsWith("| figure | OCR service | sample service |\n")
        .contains("| tasks completed (of submitted) | 60 (60) | 60 (60) |")
        .contains("| wall seconds, first submit to last result | 30.0 | 6.0 |")
        .contains("| tasks per second | 2.00 | 10.00 |")
        .contains("| tasks per second per core | 1.00 | 5.00 |")
        .contains("| pages per second | 2.00 | - |")
        .contains("| pages per second per core | 1.00 | - |")
        .contains("| submit to result p50 / p99 ms | 2900 / 3100 | 1000 / 1100 |")
        .contains("| algorithm service CPU ms per task | 600.0 | 10.0 |")
        .contains("| algorithm service CPU seconds per page | 0.60 | - |")
        .contains("| of which Tesseract's, by the service's own count | 0.54 | - |")
        .contains("| invocations answered 429 (all slots taken) | 3 | - |")
        .contains("| worker-app + api-app CPU ms per task | 45.0 | 30.0 |")
        .contains("| cores busy on average (of 2) | 1.90 | 1.90 |");
  }

  @Test
  void theSummaryHasEachServicesFiguresWithTheirUnitsAndWhetherEveryTaskEndedOnce() {
    var figures = OcrScenario.figures(OCR, SAMPLE);

    assertThat(figures).allMatch(f -> f.scenario().equals("ocr"));
    assertThat(figures)
        .extracting(Figure::name, Figure::shown)
        .contains(
            tuple("OCR service: tasks per second per core", "1.00 tasks/s per core"),
            tuple("OCR service: pages per second per core", "1.00 pages/s per core"),
            tuple(
                "OCR service: CPU seconds per page (its JVM and Tesseract)", "0.60 CPU s per page"),
            tuple("OCR service: worker-app + api-app CPU per task", "45.0 CPU ms per task"),
            tuple("OCR service: submit to result p99", "3100 ms"),
            tuple("OCR service: invocations answered 429 (all slots taken)", "3"),
            tuple("sample service: tasks per second per core", "5.00 tasks/s per core"),
            tuple("sample service: CPU per task", "10.0 CPU ms per task"),
            tuple("every task succeeded, one result each", "yes"));
    assertThat(figures.get(figures.size() - 1).verdict()).isEqualTo("met");

    var failed = phase("sample service", 60, 0, 6.0, 0.6, 30.0, false, List.of(1.0));
    var last = OcrScenario.figures(OCR, failed);
    assertThat(last.get(last.size() - 1).verdict()).isEqualTo("missed");
  }

  @Test
  void theWaitGrowsWithTheTasksPerCoreFromFiveMinutes() {
    assertThat(OcrScenario.timeout(60, 2)).isEqualTo(Duration.ofMinutes(5));
    assertThat(OcrScenario.timeout(600, 2)).isEqualTo(Duration.ofSeconds(3_000));
  }

  @Test
  void theOcrScenarioHasAnAlgorithmForEachOfItsPhases() {
    assertThat(BenchRun.algorithmsOf("ocr"))
        .containsExactly(OcrScenario.OCR_SERVICE, OcrScenario.SAMPLE_SERVICE);
  }

  private static OcrScenario.Phase phase(
      String label,
      long completed,
      long pages,
      double wallSeconds,
      double serviceCpuSeconds,
      Double appsCpuMsPerTask,
      boolean clean,
      List<Double> endToEnd) {
    var usage = new ResourceSampler.Measured(label, 0, 10_000, List.of(), 19.0, 2);
    return new OcrScenario.Phase(
        label,
        60,
        completed,
        pages,
        wallSeconds,
        2,
        serviceCpuSeconds,
        pages > 0 ? serviceCpuSeconds * 0.9 : null,
        pages > 0 ? 3L : null,
        appsCpuMsPerTask,
        20.0,
        LatencySummary.of(endToEnd),
        LatencySummary.of(List.of(1400.0)),
        clean,
        "Submitted 60.",
        usage,
        "The apps' logs: none.");
  }

  private static ProcFiles.Stat stat(
      int pid, int ppid, long utime, long stime, long cutime, long cstime) {
    return new ProcFiles.Stat(pid, ppid, "p" + pid, utime, stime, cutime, cstime);
  }
}
