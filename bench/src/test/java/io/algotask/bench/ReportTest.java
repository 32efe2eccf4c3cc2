package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
  @Test
  void theReportSumsUpFiguresTargetsAndEachProcesssShare() {
    var usage =
        new ResourceSampler.Measured(
            "latency",
            0,
            60_000,
            List.of(
                new ResourceSampler.ProcessUsage("temporal", 12.5, 300 * 1024, 1),
                new ResourceSampler.ProcessUsage("postgres", 4.0, 60 * 1024, 9)),
            20.0,
            2);
    var scenario =
        new ScenarioReport(
            "latency",
            "Latency: 1 task per second",
            "the body\n",
            List.of(
                Figure.against(
                    "latency",
                    "submit to invoke p99",
                    80.0,
                    Figure.MS,
                    Targets.SUBMIT_TO_INVOKE_P99_MS),
                Figure.of("latency", "end to end p50", 90.0, Figure.MS)),
            50,
            usage);
    var header =
        new Report.Header(
            "bench-1",
            Instant.parse("2026-11-26T23:30:00Z"),
            480,
            "./algotask bench",
            "abc1234",
            new Machine("AMD EPYC", 2, 23.5, "6.1", "OpenJDK 17"),
            "the cluster shape (Temporal server on PostgreSQL)",
            55.0,
            List.of());

    var md = Report.render(header, List.of(scenario));
    assertThat(md)
        .contains(
            "everything on this one machine: the cluster shape (Temporal server on PostgreSQL),");

    assertThat(md)
        .contains(
            "Run `bench-1`, started 2026-11-26T23:30:00Z, 480 s in all (the apps took 55 s to start and warm up)")
        .contains("- machine: AMD EPYC, 2 logical CPUs, 23.5 GiB RAM, Linux 6.1, OpenJDK 17")
        .contains("| latency | submit to invoke p99 | 80.0 ms | < 100 ms | met |")
        .contains("| latency | end to end p50 | 90.0 ms |  |  |")
        .contains("| temporal | 12.5 |")
        .contains("| all tracked | 16.5 |")
        .contains("| temporal | 250.0 |")
        .contains("| all tracked | 330.0 |")
        .contains("| completed | 50 |")
        .contains("| cores busy on average (of 2) | 0.33 |")
        .contains("| postgres | 60 (9 processes) |")
        .contains("## Latency: 1 task per second\n\nthe body\n");
  }

  @Test
  void aReportWithoutATitleIsAColumnOfTheTablesButNoSection() {
    var measured =
        new ResourceSampler.Measured(
            "scaling-1",
            0,
            10_000,
            List.of(new ResourceSampler.ProcessUsage("worker-app", 3.0, 400 * 1024, 1)),
            15.0,
            2);
    var phase = new ScenarioReport("scaling, 1 worker-app", null, "", List.of(), 30, measured);
    var section =
        new ScenarioReport(
            "scaling", "Scaling: one, then two", "side by side\n", List.of(), 30, null);
    var header =
        new Report.Header(
            "bench-1",
            Instant.parse("2026-11-26T23:30:00Z"),
            60,
            "./algotask bench scaling",
            "abc1234",
            new Machine("AMD EPYC", 2, 23.5, "6.1", "OpenJDK 17"),
            "the local stack",
            null,
            List.of());

    var md = Report.render(header, List.of(phase, section));

    assertThat(md)
        .contains("| CPU seconds | scaling, 1 worker-app |")
        .contains("| worker-app | 3.0 |")
        .contains("| worker-app | 100.0 |")
        .contains("\n## Scaling: one, then two\n\nside by side\n")
        .doesNotContain("## null");
  }

  @Test
  void tablesAlignFiguresRightAndWordsLeft() {
    var table =
        Markdown.table(
            List.of("what", "value", "note"),
            List.of(List.of("a|b", "12.5", "fine"), List.of("c", "-", "ok")));

    assertThat(table)
        .isEqualTo(
            "| what | value | note |\n|---|---:|---|\n| a\\|b | 12.5 | fine |\n| c | - | ok |\n");
  }

  @Test
  void theMachineIsReadFromProc() {
    var machine =
        Machine.from(
            "processor\t: 0\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n",
            "MemTotal:       24641536 kB\nMemFree: 1 kB\n",
            "6.1.0",
            "OpenJDK 17");

    assertThat(machine.describe())
        .isEqualTo("AMD EPYC 7B13, 2 logical CPUs, 23.5 GiB RAM, Linux 6.1.0, OpenJDK 17");
  }
}
