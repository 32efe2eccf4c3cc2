package io.algotask.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AttemptPlanTest {
  private static final SampleAlgorithmSettings HALF_AND_HALF =
      SampleAlgorithmSettings.forTests()
          .withLatencyMs(10, 50)
          .withRefusalRate(0.5)
          .withFailureRate(0.5)
          .withNoCallbackRate(0.5);

  @Test
  void theSameSeedDecidesTheSameForEachAttempt() {
    assertThat(plans(1)).isEqualTo(plans(1)).isNotEqualTo(plans(2));
  }

  @Test
  void ratesAndLatencyAreRespected() {
    List<AttemptPlan> plans = plans(3);

    assertThat(plans).extracting(AttemptPlan::latencyMs).allMatch(ms -> ms >= 10 && ms <= 50);
    assertThat(plans.stream().filter(AttemptPlan::refuse).count()).isBetween(400L, 600L);
    assertThat(plans.stream().filter(AttemptPlan::fail).count()).isBetween(400L, 600L);
    assertThat(plans.stream().filter(AttemptPlan::withholdCallback).count()).isBetween(400L, 600L);
  }

  @Test
  void ratesZeroAndOneAreNeverAndAlways() {
    SampleAlgorithmSettings always =
        HALF_AND_HALF.withRefusalRate(1).withFailureRate(0).withNoCallbackRate(1);

    assertThat(IntStream.range(0, 1000).mapToObj(i -> AttemptPlan.draw(5, "t" + i, 1, always)))
        .allMatch(plan -> plan.refuse() && !plan.fail() && plan.withholdCallback());
  }

  @Test
  void eachAttemptOfATaskDrawsAnew() {
    assertThat(
            IntStream.rangeClosed(1, 50)
                .mapToObj(attempt -> AttemptPlan.draw(9, "task", attempt, HALF_AND_HALF))
                .map(AttemptPlan::fail)
                .distinct())
        .containsExactlyInAnyOrder(true, false);
  }

  private static List<AttemptPlan> plans(long seed) {
    return IntStream.range(0, 1000)
        .mapToObj(i -> AttemptPlan.draw(seed, "task-" + i, 1, HALF_AND_HALF))
        .toList();
  }
}
