package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FairnessScenarioTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

  /** A task of the tenant submitted and first started at these milliseconds after T0. */
  private static Records.Grant grant(String tenant, long submitted, Long started) {
    return new Records.Grant(
        tenant + "-" + submitted + "-" + started,
        tenant,
        T0.plusMillis(submitted),
        started == null ? null : T0.plusMillis(started));
  }

  @Test
  void eachTenantsQueueWaitIsFromIntakeToFirstStartNearestRank() {
    var grants = new ArrayList<Records.Grant>();
    for (int i = 1; i <= 100; i++) {
      grants.add(grant("noisy", 0, (long) i * 100)); // 100 ms to 10 s
    }
    grants.add(grant("quiet", 1_000, 1_020L));
    grants.add(grant("quiet", 2_000, 2_050L));
    grants.add(grant("quiet", 3_000, null)); // still waiting: no wait yet

    var waits = FairnessScenario.waitsByTenant(grants);

    assertThat(waits).containsOnlyKeys("noisy", "quiet");
    assertThat(waits.get("noisy").p50()).isEqualTo(5_000);
    assertThat(waits.get("noisy").p99()).isEqualTo(9_900);
    assertThat(waits.get("quiet").count()).isEqualTo(2);
    assertThat(waits.get("quiet").p50()).isEqualTo(20);
    assertThat(waits.get("quiet").p99()).isEqualTo(50);
  }

  @Test
  void theSplitCountsOnlyTheGrantsMadeWhileTheOtherTenantHadATaskWaiting() {
    var grants =
        List.of(
            // noisy alone at first: its grant at 100 ms counts for nothing, quiet has none waiting
            grant("noisy", 0, 100L),
            // from 1 s both wait: three noisy grants to one quiet one
            grant("quiet", 1_000, 1_400L),
            grant("noisy", 1_000, 1_100L),
            grant("noisy", 1_000, 1_200L),
            grant("noisy", 1_000, 1_300L),
            grant("quiet", 1_000, 1_800L),
            grant("noisy", 1_000, 1_500L),
            grant("noisy", 1_000, 1_600L),
            grant("noisy", 1_000, 1_700L),
            // quiet's last grant at 1.8 s: noisy's at 2 s has no quiet task waiting
            grant("noisy", 1_000, 2_000L));

    var split = FairnessScenario.backloggedSplit(grants);

    // quiet's grant at 1.8 s counts: noisy still had its 2 s task waiting
    assertThat(split).containsExactlyInAnyOrderEntriesOf(Map.of("noisy", 6L, "quiet", 2L));
    assertThat(FairnessScenario.share(split, "noisy")).isEqualTo(0.75);
  }

  @Test
  void theShareIsHeldAgainstWhatTheWeightsEntitleWithinFivePoints() {
    var weights = Map.of("noisy", 3, "quiet", 1);
    assertThat(FairnessScenario.entitled(weights, "noisy")).isEqualTo(0.75);
    assertThat(FairnessScenario.entitled(weights, "quiet")).isEqualTo(0.25);
    assertThat(FairnessScenario.entitled(Map.of("noisy", 3), "quiet"))
        .as("a tenant without a weight weighs 1")
        .isEqualTo(0.25);

    assertThat(FairnessScenario.deviationPoints(0.71, 0.75)).isCloseTo(4.0, within(1e-9));
    assertThat(FairnessScenario.deviationPoints(0.81, 0.75)).isCloseTo(6.0, within(1e-9));
    assertThat(FairnessScenario.deviationPoints(null, 0.75)).isNull();
    assertThat(FairnessScenario.share(Map.of("noisy", 0L, "quiet", 0L), "noisy")).isNull();
  }

  @Test
  void theSummaryHoldsTheWeightedSplitAgainstItsTargetAndGivesEachTenantsWaits() {
    var equal =
        phase(
            List.of(grant("noisy", 0, 100L), grant("noisy", 0, 3_000L), grant("quiet", 500, 520L)));
    var weighted = new ArrayList<Records.Grant>();
    // both always waiting: 7 noisy grants to 3 quiet ones (70 %, 5 points off: met)
    for (int i = 0; i < 10; i++) {
      weighted.add(grant(i < 7 ? "noisy" : "quiet", 0, 1_000L + i * 10));
    }
    weighted.add(grant("noisy", 0, 5_000L));
    weighted.add(grant("quiet", 0, 5_000L));

    var figures = FairnessScenario.figures(equal, phase(weighted));

    var deviation =
        figures.stream().filter(f -> f.name().endsWith("off its 75 %")).findFirst().orElseThrow();
    assertThat(deviation.value()).isCloseTo(5.0, within(1e-9));
    assertThat(deviation.verdict()).isEqualTo("met");
    assertThat(figures)
        .extracting(Figure::name)
        .contains(
            "equal weights: quiet's queue wait p50",
            "equal weights: quiet's queue wait p99",
            "equal weights: noisy's queue wait p99",
            "weights 3:1: the weight-3 tenant's share of the grants");
    assertThat(
            figures.stream()
                .filter(f -> f.name().equals("equal weights: quiet's queue wait p99"))
                .findFirst()
                .orElseThrow()
                .value())
        .isEqualTo(20.0);
  }

  @Test
  void grantsAreCountedPerTenantAndWholeSecondWithTheQuietSecondsAsZeroes() {
    var lines =
        FairnessScenario.grantsPerSecond(
            List.of(
                grant("noisy", 0, 100L),
                grant("noisy", 0, 900L),
                grant("quiet", 0, 2_500L),
                grant("quiet", 0, null)),
            T0);

    assertThat(lines.get("noisy")).extracting(p -> p[1]).containsExactly(2.0, 0.0, 0.0);
    assertThat(lines.get("quiet")).extracting(p -> p[1]).containsExactly(0.0, 0.0, 1.0);
    var waits = FairnessScenario.waitsOverTime(List.of(grant("quiet", 2_000, 2_500L)), T0);
    assertThat(waits.get("quiet")).extracting(p -> p[0] + ":" + p[1]).containsExactly("2.0:0.5");
  }

  private static FairnessScenario.Phase phase(List<Records.Grant> grants) {
    return new FairnessScenario.Phase("a phase", grants, T0, grants.size(), true, "", null, "");
  }
}
