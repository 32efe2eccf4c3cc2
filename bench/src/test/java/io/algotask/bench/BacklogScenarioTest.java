package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BacklogScenarioTest {
  @Test
  void theSlopeIsTheLeastSquaresFit() {
    assertThat(BacklogScenario.slope(List.of(new double[] {0, 1}, new double[] {10, 21})))
        .isEqualTo(2.0);
    assertThat(BacklogScenario.slope(List.of(new double[] {5, 1}, new double[] {5, 9}))).isZero();
    assertThat(BacklogScenario.slope(List.of(new double[] {5, 1}))).isZero();
  }

  @Test
  void memoryIsPairedWithTheLatestDepthAtOrBeforeIt() {
    var depths =
        List.of(
            new BacklogScenario.Depth(1_000, 0, 0, 0),
            new BacklogScenario.Depth(2_000, 1_000, 8, 0),
            new BacklogScenario.Depth(3_000, 2_000, 8, 0));
    var memory =
        List.of(
            new ResourceSampler.Point(500, Map.of("flat", 100 * 1024L, "growing", 100 * 1024L)),
            new ResourceSampler.Point(1_100, Map.of("flat", 100 * 1024L, "growing", 100 * 1024L)),
            new ResourceSampler.Point(2_100, Map.of("flat", 100 * 1024L, "growing", 150 * 1024L)),
            new ResourceSampler.Point(3_100, Map.of("flat", 100 * 1024L, "growing", 200 * 1024L)));

    var growth = BacklogScenario.growthPerProcess(memory, depths);

    assertThat(growth.get("flat")).isZero();
    assertThat(growth.get("growing")).isCloseTo(50.0, within(1e-9)); // MiB per 1,000 waiting
  }

  @Test
  void onlyTheFillingQueueCounts() {
    var depths =
        List.of(
            new BacklogScenario.Depth(1_000, 0, 0, 0),
            new BacklogScenario.Depth(2_000, 1_000, 8, 0),
            new BacklogScenario.Depth(3_000, 0, 8, 1_000));
    // the heap stays grown while the queue drains: that must not read as memory per waiting task
    var memory =
        List.of(
            new ResourceSampler.Point(1_100, Map.of("jvm", 100 * 1024L)),
            new ResourceSampler.Point(2_100, Map.of("jvm", 100 * 1024L)),
            new ResourceSampler.Point(3_100, Map.of("jvm", 300 * 1024L)));

    assertThat(BacklogScenario.growthPerProcess(memory, depths).get("jvm")).isZero();
  }

  @Test
  void theDepthCountsWaitingRunningAndDone() {
    var depth =
        BacklogScenario.depth(
            Map.of("ACCEPTED", 5L, "QUEUED", 90L, "RUNNING", 8L, "SUCCEEDED", 897L));

    assertThat(depth.waiting()).isEqualTo(95);
    assertThat(depth.running()).isEqualTo(8);
    assertThat(depth.done()).isEqualTo(897);
  }
}
