package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeftoversTest {

  @Test
  void theRunsAreTakenFromTheAlgorithmsNamesAndOthersAreLeftAlone() {
    var runs =
        Leftovers.runsOf(
            List.of(
                "bench-1127004845-backlog",
                "bench-1127004845-warmup",
                "bench-1126221009-latency",
                "bench-notarun-x",
                "ocr"));

    assertThat(runs).containsExactly("bench-1126221009", "bench-1127004845");
  }
}
