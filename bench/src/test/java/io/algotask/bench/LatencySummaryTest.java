package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
  @Test
  void quantilesAreNearestRankValuesThatWereMeasured() {
    var values = new ArrayList<Double>();
    for (int i = 100; i >= 1; i--) {
      values.add((double) i);
    }

    var summary = LatencySummary.of(values);

    assertThat(summary.count()).isEqualTo(100);
    assertThat(summary.p50()).isEqualTo(50);
    assertThat(summary.p90()).isEqualTo(90);
    assertThat(summary.p99()).isEqualTo(99);
    assertThat(summary.max()).isEqualTo(100);
    assertThat(summary.mean()).isEqualTo(50.5);
  }

  @Test
  void aFewValuesGiveTheirOwnQuantiles() {
    var summary = LatencySummary.of(List.of(3.0, 1.0, 2.0));

    assertThat(summary.p50()).isEqualTo(2);
    assertThat(summary.p90()).isEqualTo(3);
    assertThat(summary.p99()).isEqualTo(3);
  }

  @Test
  void noValuesIsAnEmptySummary() {
    assertThat(LatencySummary.of(List.of())).isEqualTo(LatencySummary.EMPTY);
    assertThat(LatencySummary.EMPTY.cells()).isEqualTo("| - | - | - | - | 0");
    assertThat(LatencySummary.EMPTY.p50p99()).isEqualTo("-");
    assertThat(LatencySummary.of(List.of(3.0, 1.0, 250.0)).p50p99()).isEqualTo("3.0 / 250");
  }

  @Test
  void millisecondsKeepADecimalBelowOneHundred() {
    assertThat(LatencySummary.ms(12.345)).isEqualTo("12.3");
    assertThat(LatencySummary.ms(123.45)).isEqualTo("123");
  }
}
