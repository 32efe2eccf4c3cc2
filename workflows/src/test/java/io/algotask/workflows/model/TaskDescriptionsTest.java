package io.algotask.workflows.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskDescriptionsTest {
  private final TaskInput task =
      new TaskInput(
          "t-1",
          "ocr",
          "acme",
          3,
          Instant.parse("2026-11-26T10:00:00Z"),
          new TaskSettings(Duration.ofMinutes(90), Duration.ofSeconds(45), 1));

  @Test
  void theSummarySaysWhatRunsForWhomAndHowUrgently() {
    assertThat(TaskDescriptions.summary(task)).isEqualTo("ocr for acme, priority 3");
  }

  @Test
  void theDetailsGiveTheTaskIdAndItsSettings() {
    assertThat(TaskDescriptions.details(task, "results.acme"))
        .isEqualTo(
            "task **t-1**, submitted 2026-11-26T10:00:00Z\n\n"
                + "queue timeout 1h30m, execution timeout 45s, at most 1 attempt;"
                + " result to topic results.acme");
  }
}
