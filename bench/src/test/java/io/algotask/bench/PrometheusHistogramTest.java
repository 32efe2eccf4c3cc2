package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusHistogramTest {
  private static final String PAGE =
      """
      # TYPE algotask_slots_handoff_seconds histogram
      algotask_slots_handoff_seconds_bucket{algorithm="a",le="0.01"} 10
      algotask_slots_handoff_seconds_bucket{algorithm="a",le="0.05"} 90
      algotask_slots_handoff_seconds_bucket{algorithm="a",le="0.1"} 100
      algotask_slots_handoff_seconds_bucket{algorithm="a",le="+Inf"} 100
      algotask_slots_handoff_seconds_count{algorithm="a"} 100
      algotask_slots_handoff_seconds_sum{algorithm="a"} 3.0
      algotask_slots_handoff_seconds_max{algorithm="a"} 0.09
      algotask_slots_handoff_seconds_count{algorithm="b"} 7
      """;

  @Test
  void quantilesAreTheBoundsOfTheirBuckets() {
    var timer =
        PrometheusHistogram.parse(PAGE, "algotask_slots_handoff_seconds", "algorithm=\"a\"");

    assertThat(timer.count()).isEqualTo(100);
    assertThat(timer.quantileBound(0.5)).isEqualTo(0.05);
    assertThat(timer.quantileBound(0.99)).isEqualTo(0.1);
    assertThat(timer.describeMillis())
        .isEqualTo(
            "p50 <= 50.0 ms, p99 <= 100.0 ms (bucket bounds), mean 30.0 ms, max 90.0 ms (n=100)");
  }

  @Test
  void aTimerNeverRecordedSaysSo() {
    assertThat(
            PrometheusHistogram.parse(PAGE, "algotask_slots_handoff_seconds", "algorithm=\"c\"")
                .describeMillis())
        .isEqualTo("nothing recorded");
  }
}
