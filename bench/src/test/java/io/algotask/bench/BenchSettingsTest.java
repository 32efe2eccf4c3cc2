package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {
  private static final Instant NOW = Instant.parse("2026-11-26T23:30:00Z");

  @Test
  void withoutArgumentsEveryScenarioRunsAtFullSize() {
    var settings = BenchSettings.parse(new String[] {"--root=/repo"}, NOW);

    assertThat(settings.scenarios()).containsExactlyElementsOf(BenchSettings.SCENARIOS);
    assertThat(settings.latencyDuration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.handOffTasks()).isEqualTo(200);
    assertThat(settings.backlogTasks()).isEqualTo(1_000);
    assertThat(settings.throughputInFlight()).isEqualTo(64);
    assertThat(settings.reportDir().toString()).isEqualTo("/repo/bench/reports/20261126T233000Z");
    assertThat(settings.stackDir().toString()).isEqualTo("/repo/.stack");
  }

  @Test
  void scenariosRunInTheirOwnOrderAndAScaleShrinksThemToAFloor() {
    var settings = BenchSettings.parse(new String[] {"backlog", "latency", "--scale=0.05"}, NOW);

    assertThat(settings.scenarios()).containsExactly("latency", "backlog");
    assertThat(settings.backlogTasks()).isEqualTo(100);
    assertThat(settings.latencyDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.handOffTasks()).isEqualTo(20);
  }

  @Test
  void theBacklogAloneIsTenThousandTasksAndGetsTimeToDrain() {
    var settings = BenchSettings.parse(new String[] {"backlog"}, NOW);

    assertThat(settings.backlogTasks()).isEqualTo(10_000);
    assertThat(settings.backlogTimeout()).isEqualTo(Duration.ofSeconds(3_333));
  }

  @Test
  void anExplicitSizeWinsOverTheScale() {
    var settings = BenchSettings.parse(new String[] {"--scale=0.1", "--backlog-tasks=2500"}, NOW);

    assertThat(settings.backlogTasks()).isEqualTo(2_500);
  }

  @Test
  void unknownArgumentsAndBadScalesAreRefused() {
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"fast"}, NOW))
        .hasMessageContaining("unknown argument: fast");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--colour=red"}, NOW))
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--scale=2"}, NOW))
        .hasMessageContaining("--scale");
  }
}
