package io.algotask.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimingLogTest {
  @Test
  void aLineCarriesMicrosecondsEventAlgorithmTaskAndAttempt() {
    var at = Instant.parse("2026-11-26T23:00:00.123456789Z");

    var line = TimingLog.line(at, "received", "ocr", new AttemptKey("doc-42", 2));

    assertThat(line).isEqualTo("1795734000123456 received ocr doc-42 2\n");
  }
}
