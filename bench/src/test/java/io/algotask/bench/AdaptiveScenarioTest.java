package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveScenarioTest {

  /** One reading per second from {@code from}, the limit in force as given, capacity 8. */
  private static List<AdaptiveScenario.Sample> readings(double from, int capacity, int... limits) {
    var samples = new ArrayList<AdaptiveScenario.Sample>();
    for (int i = 0; i < limits.length; i++) {
      samples.add(new AdaptiveScenario.Sample(from + i, capacity, limits[i], limits[i] - 1, 20));
    }
    return samples;
  }

  @Test
  void withinTenPercentIsTheCapacityItselfBelowTenAndABandAboveIt() {
    assertThat(AdaptiveScenario.near(8, 8)).isTrue();
    assertThat(AdaptiveScenario.near(9, 8)).as("8.8 at most").isFalse();
    assertThat(AdaptiveScenario.near(4, 4)).isTrue();
    assertThat(AdaptiveScenario.near(5, 4)).isFalse();
    assertThat(AdaptiveScenario.near(11, 12)).isTrue();
    assertThat(AdaptiveScenario.near(13, 12)).isTrue();
    assertThat(AdaptiveScenario.near(14, 12)).isFalse();
    assertThat(AdaptiveScenario.near(10, 10)).isTrue();
    assertThat(AdaptiveScenario.near(11, 10)).as("exactly 10 % off").isTrue();
  }

  @Test
  void theLimitSettlesWhereItStaysInTheBandToThePhasesEndNotWhereItFirstEntersIt() {
    // climbs from 1, passes 8, is cut to 6, climbs back to 8 at 12 s and stays
    var samples = readings(0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 6, 7, 8, 8, 8, 8);

    assertThat(AdaptiveScenario.firstWithin(samples, 0, 16, 8)).isEqualTo(7.0);
    assertThat(AdaptiveScenario.settled(samples, 0, 16, 8)).isEqualTo(12.0);
  }

  @Test
  void aLimitThatLeavesTheBandAtThePhasesEndHasNotSettled() {
    var samples = readings(0, 8, 8, 8, 8, 9);

    assertThat(AdaptiveScenario.firstWithin(samples, 0, 4, 8)).isEqualTo(0.0);
    assertThat(AdaptiveScenario.settled(samples, 0, 4, 8)).isNull();
    assertThat(AdaptiveScenario.firstWithin(readings(0, 8, 20, 30), 0, 2, 8)).isNull();
    assertThat(AdaptiveScenario.settled(List.of(), 0, 2, 8)).as("no reading").isNull();
  }

  @Test
  void aPhaseCountsItsOwnReadingsFromItsOwnStart() {
    var samples = new ArrayList<AdaptiveScenario.Sample>();
    samples.addAll(readings(0, 8, 8, 8, 8, 8)); // 0-3 s: the first phase
    samples.addAll(readings(4, 4, 8, 6, 4, 4)); // 4-7 s: down to 4, found at 6 s

    var phase = AdaptiveScenario.phase("capacity down to 4", 4, 4, 8, samples, 16, 30, 46);

    assertThat(phase.firstWithin()).isEqualTo(2.0);
    assertThat(phase.settled()).isEqualTo(2.0);
    assertThat(phase.lateLimitLow()).isEqualTo(4);
    assertThat(phase.lateLimitHigh()).isEqualTo(4);
    assertThat(phase.meanInUse()).isEqualTo((7 + 5 + 3 + 3) / 4.0);
    assertThat(phase.tasksPerSecond()).isEqualTo(4.0);
    assertThat(phase.capacityPerSecond()).isEqualTo(4 * 1000.0 / AdaptiveScenario.LATENCY_MS);
    assertThat(phase.overCapacityPerSecond()).isEqualTo(7.5);
  }

  @Test
  void theCapacityIsDrawnAsAStepLineBesideTheReadings() {
    var lines = AdaptiveScenario.series(readings(0, 8, 3, 5), 60);

    assertThat(lines).containsOnlyKeys("limit in force", "slots in use", "hidden capacity");
    assertThat(lines.get("limit in force")).extracting(p -> p[1]).containsExactly(3.0, 5.0);
    assertThat(lines.get("slots in use")).extracting(p -> p[1]).containsExactly(2.0, 4.0);
    assertThat(lines.get("hidden capacity"))
        .extracting(p -> p[0] + ":" + p[1])
        .containsExactly(
            "0.0:8.0", "60.0:8.0", "60.0:4.0", "120.0:4.0", "120.0:12.0", "180.0:12.0");
  }

  @Test
  void eachPhasesSettlingTimeIsHeldAgainstAMinuteAndNeverSettlingMissesIt() {
    var found =
        AdaptiveScenario.phase("capacity 8 from the start", 8, 0, 60, readings(0, 8, 8), 1, 0, 1);
    var lost = AdaptiveScenario.phase("capacity down to 4", 4, 0, 60, readings(0, 4, 9), 1, 0, 1);
    var slow =
        AdaptiveScenario.phase("capacity up to 12", 12, 0, 60, readings(30, 12, 12, 12), 1, 0, 1);

    var figures = AdaptiveScenario.figures(List.of(found, lost, slow));

    var settled =
        figures.stream().filter(f -> f.name().endsWith("limit settled within 10 % of it")).toList();
    assertThat(settled).extracting(Figure::verdict).containsExactly("met", "missed", "met");
    assertThat(settled.get(1).shown()).isEqualTo("never");
    assertThat(settled.get(2).value()).isEqualTo(30.0);
    assertThat(settled.get(0).target()).isEqualTo("< 60 s");
    assertThat(AdaptiveScenario.table(List.of(found, lost, slow)))
        .contains("| settled within 10 %, s | 0.0 | never | 30.0 |")
        .as("no reading in the first two's second half")
        .contains("| limit in force over the phase's second half | - | - | 12 |");
  }
}
