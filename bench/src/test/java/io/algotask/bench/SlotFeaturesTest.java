package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotFeaturesTest {

  @Test
  void theAlgorithmsSettingsAreStartUpPropertiesAfterItsPrefix() {
    assertThat(SlotFeatures.adaptiveProperties(1, Duration.ofSeconds(10)))
        .containsExactly("adaptive=true", "min-concurrency=1", "adaptive-window=10s");
    assertThat(SlotFeatures.tenantWeightProperties(Map.of("quiet", 1, "noisy", 3)))
        .containsExactly("tenant-weights.noisy=3", "tenant-weights.quiet=1");
    assertThat(SlotFeatures.sampleCapacityArguments(8)).containsExactly("--capacity=8");
  }

  @Test
  void theSlotsAreReadFromTheRegistrysEntryOfTheAlgorithm() {
    var registry =
        BenchRun.JSON.readTree(
            """
            [{"name": "other", "effectiveLimit": 2, "slotsInUse": 2, "tasksWaiting": 0},
             {"name": "bench-1-adaptive", "maxConcurrency": 64, "effectiveLimit": 9,
              "slotsInUse": 8, "tasksWaiting": 27}]
            """);

    assertThat(SlotFeatures.slotsOf(registry, "bench-1-adaptive"))
        .isEqualTo(new SlotFeatures.Slots(9, 8, 27));
    assertThat(SlotFeatures.slotsOf(registry, "missing")).isNull();
  }

  @Test
  void the429sForTheCapacityAreTheSampleServicesOwnCount() {
    var stats = BenchRun.JSON.readTree("{\"received\": 40, \"busy\": 12, \"overCapacity\": 12}");

    assertThat(SlotFeatures.overCapacity(stats)).isEqualTo(12);
    assertThat(SlotFeatures.overCapacity(BenchRun.JSON.createObjectNode()))
        .as("a service that has not counted any")
        .isZero();
  }
}
