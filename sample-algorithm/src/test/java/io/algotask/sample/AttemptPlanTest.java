package io.algotask.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AttemptPlanTest {
  private static final SampleAlgorithmSettings HALF_AND_HALF =
      SampleAlgorithmSettings.forTests().toBuilder()
          .latencyMs(10, 50)
          .refusalRate(0.5)
          .failureRate(0.5)
          .noCallbackRate(0.5)
          .lateCallbackRate(0.5)
          .duplicateCallbackRate(0.5)
          .conflictingCallbackRate(0.5)
          .build();

  @Test
  void theSameSeedDecidesTheSameForEachAttempt() {
    assertThat(plans(1, HALF_AND_HALF))
        .isEqualTo(plans(1, HALF_AND_HALF))
        .isNotEqualTo(plans(2, HALF_AND_HALF));
  }

  @Test
  void ratesAndLatencyAreRespected() {
    List<AttemptPlan> plans = plans(3, HALF_AND_HALF);

    assertThat(plans).extracting(AttemptPlan::latencyMs).allMatch(ms -> ms >= 10 && ms <= 50);
    assertThat(count(plans, AttemptPlan::refuse)).isBetween(400L, 600L);
    assertThat(count(plans, AttemptPlan::fail)).isBetween(400L, 600L);
    assertThat(count(plans, AttemptPlan::withholdCallback)).isBetween(400L, 600L);
    assertThat(count(plans, AttemptPlan::lateCallback)).isBetween(400L, 600L);
    assertThat(count(plans, AttemptPlan::repeatCallback)).isBetween(400L, 600L);
    assertThat(count(plans, AttemptPlan::conflictingCallback)).isBetween(400L, 600L);
  }

  @Test
  void ratesZeroAndOneAreNeverAndAlways() {
    SampleAlgorithmSettings always =
        HALF_AND_HALF.toBuilder()
            .refusalRate(1)
            .failureRate(0)
            .noCallbackRate(1)
            .lateCallbackRate(1)
            .duplicateCallbackRate(0)
            .conflictingCallbackRate(1)
            .build();

    assertThat(IntStream.range(0, 1000).mapToObj(i -> AttemptPlan.draw(5, "t" + i, 1, always)))
        .allMatch(
            plan ->
                plan.refuse()
                    && !plan.fail()
                    && plan.withholdCallback()
                    && plan.lateCallback()
                    && !plan.repeatCallback()
                    && plan.conflictingCallback());
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

  @Test
  void theCallbackMisbehavioursLeaveTheEarlierDecisionsAlone() {
    SampleAlgorithmSettings without =
        HALF_AND_HALF.toBuilder()
            .lateCallbackRate(0)
            .duplicateCallbackRate(0)
            .conflictingCallbackRate(0)
            .build();

    assertThat(plans(4, without))
        .extracting(AttemptPlanTest::earlierDecisions)
        .isEqualTo(
            plans(4, HALF_AND_HALF).stream().map(AttemptPlanTest::earlierDecisions).toList());
    // as drawn before these rates existed (seed 1, tasks task-0 to task-11, attempt 1)
    assertThat(
            IntStream.range(0, 12)
                .mapToObj(i -> AttemptPlan.draw(1, "task-" + i, 1, HALF_AND_HALF))
                .map(AttemptPlanTest::earlierDecisions)
                .collect(Collectors.joining(" ")))
        .isEqualTo("--W47 RFW40 R--24 RFW23 ---43 R--21 --W25 R--44 ---20 --W30 -F-48 RFW10");
  }

  @Test
  void eachCallbackMisbehaviourIsDrawnApart() {
    List<AttemptPlan> plans = plans(6, HALF_AND_HALF);
    List<AttemptPlan> onlyLate =
        plans(
            6,
            HALF_AND_HALF.toBuilder().duplicateCallbackRate(0).conflictingCallbackRate(0).build());

    assertThat(onlyLate)
        .extracting(AttemptPlan::lateCallback)
        .isEqualTo(plans.stream().map(AttemptPlan::lateCallback).toList());
    assertThat(onlyLate).noneMatch(plan -> plan.repeatCallback() || plan.conflictingCallback());
    // independent draws: all four combinations of two of them occur
    assertThat(
            plans.stream()
                .map(plan -> plan.repeatCallback() + "/" + plan.conflictingCallback())
                .distinct())
        .hasSize(4);
  }

  private static String earlierDecisions(AttemptPlan plan) {
    return (plan.refuse() ? "R" : "-")
        + (plan.fail() ? "F" : "-")
        + (plan.withholdCallback() ? "W" : "-")
        + plan.latencyMs();
  }

  private static long count(List<AttemptPlan> plans, Predicate<AttemptPlan> decision) {
    return plans.stream().filter(decision).count();
  }

  private static List<AttemptPlan> plans(long seed, SampleAlgorithmSettings settings) {
    return IntStream.range(0, 1000)
        .mapToObj(i -> AttemptPlan.draw(seed, "task-" + i, 1, settings))
        .toList();
  }
}
