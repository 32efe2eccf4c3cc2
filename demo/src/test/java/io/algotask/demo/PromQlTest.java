package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {
  @Test
  void findsTheMetricsAndNothingElse() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.95, sum by (algorithm, le) (rate(algotask_tasks_queue_wait_seconds_bucket{algorithm=~\"$algorithm\", tenant=\"a_b\"}[$__rate_interval]))) > 300"))
        .containsExactly("algotask_tasks_queue_wait_seconds_bucket");
    assertThat(
            PromQl.metricNames(
                "max by (algorithm) (algotask_slots_in_use) >= max by (algorithm) (algotask_slots_limit)\n"
                    + "  and on (algorithm) max by (algorithm) (algotask_slots_waiting) > 0"))
        .containsExactly("algotask_slots_in_use", "algotask_slots_limit", "algotask_slots_waiting");
    assertThat(PromQl.metricNames("sum(rate(temporal_request_total[5m])) * 60 > 1"))
        .containsExactly("temporal_request_total");
  }
}
