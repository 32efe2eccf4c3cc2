package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryTest {
  @TempDir Path dir;

  private static final List<Figure> BEFORE =
      List.of(
          Figure.against(
              "handoff",
              "previous attempt decided to next invocation received p99",
              200.0,
              Figure.MS,
              Targets.HANDOFF_P99_MS),
          Figure.of("throughput", "tasks per second", 8.0, Figure.PER_SECOND),
          Figure.text(
              "backlog", "resident memory growing with the backlog", "worker-app", "none", false),
          Figure.of("latency", "end to end p50", 150.0, Figure.MS));

  @Test
  void theSummaryReadsBackAsItWasWritten() throws IOException {
    var summary =
        new Summary("bench-1", "2026-12-06T13:09:57Z", "abc1234", "./algotask bench", BEFORE);

    summary.write(dir);

    assertThat(Summary.read(dir)).isEqualTo(summary);
    assertThat(Summary.read(dir.resolve(Summary.FILE))).isEqualTo(summary);
    assertThat(Files.readString(dir.resolve(Summary.FILE)))
        .contains("\"scenario\" : \"handoff\"")
        .contains("\"value\" : 200.0")
        .contains("\"unit\" : \"ms\"")
        .contains("\"target\" : \"< 100 ms\"")
        .contains("\"met\" : false");
  }

  @Test
  void aReportWritesItsSummaryBesideIt() throws IOException {
    var scenario =
        new ScenarioReport("throughput", "Throughput", "body\n", List.of(BEFORE.get(1)), 10, null);
    var header =
        new Report.Header(
            "bench-2",
            Instant.parse("2026-12-06T14:00:00Z"),
            60,
            "./algotask bench throughput",
            "def5678",
            new Machine("AMD EPYC", 2, 23.5, "6.1", "OpenJDK 17"),
            "the local stack",
            null,
            List.of());

    Report.write(dir, header, List.of(scenario), null);

    var written = Summary.read(dir);
    assertThat(written.run()).isEqualTo("bench-2");
    assertThat(written.commit()).isEqualTo("def5678");
    assertThat(written.started()).isEqualTo("2026-12-06T14:00:00Z");
    assertThat(written.figures()).containsExactly(BEFORE.get(1));
    assertThat(dir.resolve("report.md")).exists();
  }

  @Test
  void theComparisonShowsBeforeAfterAndTheChangeOfEachFigure() {
    var before =
        new Summary("bench-1", "2026-12-06T13:09:57Z", "abc1234", "./algotask bench", BEFORE);
    var after =
        List.of(
            Figure.against(
                "handoff",
                "previous attempt decided to next invocation received p99",
                80.0,
                Figure.MS,
                Targets.HANDOFF_P99_MS),
            Figure.of("throughput", "tasks per second", 10.0, Figure.PER_SECOND),
            Figure.text(
                "backlog", "resident memory growing with the backlog", "none", "none", true),
            Figure.of("ceiling", "minimal workflows per second", 30.0, "workflows/s"));

    var table = Summary.compare(before, after);

    assertThat(table)
        .startsWith("| scenario | figure | before | after | change | target |  |\n")
        .contains(
            "| handoff | previous attempt decided to next invocation received p99 | 200 ms |"
                + " 80.0 ms | -120 ms (-60%) | < 100 ms | met |")
        .contains(
            "| throughput | tasks per second | 8.00 tasks/s | 10.0 tasks/s | +2.00 tasks/s (+25%) |  |  |")
        .contains(
            "| backlog | resident memory growing with the backlog | worker-app | none | - | none | met |")
        .contains("| ceiling | minimal workflows per second | - | 30.0 workflows/s | - |  |  |")
        .endsWith("| latency | end to end p50 | 150 ms | not measured |  |  |  |\n");
  }

  @Test
  void theReportsSummaryHoldsTheComparisonWhenThereIsOne() {
    var before =
        new Summary("bench-1", "2026-12-06T13:09:57Z", "abc1234", "./algotask bench", BEFORE);
    var scenario =
        new ScenarioReport(
            "throughput",
            "Throughput",
            "body\n",
            List.of(Figure.of("throughput", "tasks per second", 10.0, Figure.PER_SECOND)),
            10,
            null);

    var summary = Report.summary(List.of(scenario), before);

    assertThat(summary)
        .startsWith("Compared with run `bench-1` (commit abc1234, started 2026-12-06T13:09:57Z)")
        .contains("| throughput | tasks per second | 8.00 tasks/s | 10.0 tasks/s |");
  }

  @Test
  void somethingElseIsNoSummary() throws IOException {
    Files.writeString(dir.resolve(Summary.FILE), "[1, 2]");

    assertThatThrownBy(() -> Summary.read(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not a bench summary");
    assertThatThrownBy(() -> Summary.read(dir.resolve("elsewhere")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no summary.json in");
  }
}
