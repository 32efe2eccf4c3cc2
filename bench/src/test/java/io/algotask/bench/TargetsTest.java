package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {
  @Test
  void eachTargetSaysItsBoundAndJudgesAValue() {
    assertThat(Targets.HANDOFF_P50_MS.text()).isEqualTo("< 30 ms");
    assertThat(Targets.HANDOFF_P50_MS.met(29.9)).isTrue();
    assertThat(Targets.HANDOFF_P50_MS.met(30)).isFalse();
    assertThat(Targets.OWN_CPU_MS_PER_TASK.met(35)).isTrue();
    assertThat(Targets.THROUGHPUT_SHARE_OF_CEILING.text()).isEqualTo(">= 0.8 of the ceiling");
    assertThat(Targets.THROUGHPUT_SHARE_OF_CEILING.met(0.8)).isTrue();
    assertThat(Targets.THROUGHPUT_SHARE_OF_CEILING.met(0.79)).isFalse();
  }

  @Test
  void underFullLoadTheOwnAndTheEnginesCpuPerTaskAreHeldAgainstTheirTargets() {
    var usage =
        new ResourceSampler.Measured(
            "throughput",
            0,
            60_000,
            List.of(
                new ResourceSampler.ProcessUsage("temporal", 40.0, 1, 1),
                new ResourceSampler.ProcessUsage("worker-app", 30.0, 6.0, 1, 1),
                new ResourceSampler.ProcessUsage("api-app", 20.0, 4.0, 1, 1),
                new ResourceSampler.ProcessUsage("kafka", 99.0, 1, 1)),
            200,
            2);
    var report = new ScenarioReport("throughput", "t", "", List.of(), 1_000, usage);

    var figures = Targets.cpuFigures(report, 25.0);

    assertThat(figures).hasSize(5);
    assertThat(figures.get(0).name()).isEqualTo("worker-app + api-app CPU per task");
    assertThat(figures.get(0).value()).isCloseTo(50.0, within(1e-9));
    assertThat(figures.get(0).met()).isFalse();
    assertThat(figures.get(1).name()).endsWith("without JIT compilation");
    assertThat(figures.get(1).value()).isCloseTo(40.0, within(1e-9));
    assertThat(figures.get(2).value()).isCloseTo(40.0, within(1e-9));
    assertThat(figures.get(3).value()).isCloseTo(1.6, within(1e-9));
    assertThat(figures.get(3).target()).isEqualTo("<= 1.3 × the ceiling's");
    assertThat(figures.get(3).met()).isFalse();
    assertThat(figures.get(4).value()).isCloseTo(2.0, within(1e-9));
    assertThat(figures.get(4).met()).isNull();
  }

  @Test
  void elsewhereTheOwnCpuPerTaskIsShownWithoutATargetAndWithoutTheCeilingNothingIsJudged() {
    var usage =
        new ResourceSampler.Measured(
            "latency",
            0,
            60_000,
            List.of(new ResourceSampler.ProcessUsage("worker-app", 3.0, 1, 1)),
            20,
            2);

    var latency =
        Targets.cpuFigures(new ScenarioReport("latency", "l", "", List.of(), 60, usage), 25.0);
    var throughput =
        Targets.cpuFigures(new ScenarioReport("throughput", "t", "", List.of(), 60, usage), null);

    assertThat(latency).singleElement().satisfies(f -> assertThat(f.target()).isEmpty());
    assertThat(latency.get(0).value()).isCloseTo(50.0, within(1e-9));
    assertThat(throughput.get(3).value()).isNull();
    assertThat(throughput.get(3).verdict()).isEqualTo("not measured");
  }
}
