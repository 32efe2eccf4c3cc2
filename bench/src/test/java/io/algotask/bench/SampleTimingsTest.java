package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleTimingsTest {
  @Test
  void theFirstOfEachEventOfAnAttemptCounts() {
    var timings =
        SampleTimings.parse(
            List.of(
                "1795734000000100 received bench-1 t-1 1",
                "1795734000000200 received bench-1 t-1 1", // a repeated delivery
                "1795734000001000 callback-sent bench-1 t-1 1",
                "1795734000002000 callback-sent bench-1 t-1 1", // a second try
                "1795734000003000 callback-answered bench-1 t-1 1",
                "sample-algorithm listening on http://127.0.0.1:8090",
                "1795734000004000 received bench-1 t-1 2"));

    var first = timings.of("t-1", 1);
    assertThat(first.received()).isEqualTo(Instant.parse("2026-11-26T23:00:00.000100Z"));
    assertThat(first.callbackSent()).isEqualTo(Instant.parse("2026-11-26T23:00:00.001Z"));
    assertThat(first.callbackAnswered()).isEqualTo(Instant.parse("2026-11-26T23:00:00.003Z"));
    assertThat(timings.of("t-1", 2).callbackSent()).isNull();
    assertThat(timings.of("t-9", 1).received()).isNull();
    assertThat(timings.attempts()).isEqualTo(2);
  }
}
