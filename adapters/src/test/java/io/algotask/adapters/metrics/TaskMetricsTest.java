package io.algotask.adapters.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.algotask.adapters.records.ResultRecord;
import io.algotask.adapters.records.TaskTransitions.CallbackVerdict;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.workflows.model.TaskStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskMetricsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AlgorithmRegistry algorithms = mock(AlgorithmRegistry.class);

  private TaskMetrics metrics(Set<String> tenants, int maxTenants) {
    when(algorithms.isKnown(anyString())).thenAnswer(call -> call.getArgument(0).equals("ocr"));
    return new TaskMetrics(meters, algorithms, new MetricsProperties(tenants, maxTenants));
  }

  private double count(String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void countsSubmissionsAndRejectionsByAlgorithmTenantAndCode() {
    var metrics = metrics(Set.of(), 10);

    metrics.submitted("ocr", "acme");
    metrics.submitted("ocr", "acme");
    metrics.rejected("no-such-algorithm", "acme", "UNKNOWN_ALGORITHM");

    assertThat(count(TaskMetrics.SUBMITTED, "algorithm", "ocr", "tenant", "acme")).isEqualTo(2);
    assertThat(
            count(
                TaskMetrics.REJECTED,
                "algorithm",
                "unknown",
                "tenant",
                "acme",
                "code",
                "UNKNOWN_ALGORITHM"))
        .as("an algorithm the registry does not know is no tag of its own")
        .isEqualTo(1);
  }

  @Test
  void buildsEachMeterOnceForItsTags() {
    var metrics = metrics(Set.of(), 10);

    metrics.submitted("ocr", "acme");
    var first = meters.get(TaskMetrics.SUBMITTED).counter();
    metrics.submitted("ocr", "acme");

    assertThat(meters.get(TaskMetrics.SUBMITTED).counters()).containsExactly(first);
  }

  @Test
  void tenantsAreBoundedByTheListOrByTheirNumber() {
    var listed = metrics(Set.of("acme"), 10);
    listed.submitted("ocr", "acme");
    listed.submitted("ocr", "globex");
    assertThat(count(TaskMetrics.SUBMITTED, "tenant", "acme")).isEqualTo(1);
    assertThat(count(TaskMetrics.SUBMITTED, "tenant", "other")).isEqualTo(1);

    meters.clear();
    var firstTwo = metrics(Set.of(), 2);
    for (var tenant : new String[] {"a", "b", "c", "d", "a"}) {
      firstTwo.submitted("ocr", tenant);
    }
    assertThat(count(TaskMetrics.SUBMITTED, "tenant", "a")).isEqualTo(2);
    assertThat(count(TaskMetrics.SUBMITTED, "tenant", "b")).isEqualTo(1);
    assertThat(count(TaskMetrics.SUBMITTED, "tenant", "other")).isEqualTo(2);

    meters.clear();
    var rejections = metrics(Set.of(), 1);
    rejections.rejected("ocr", "anything-at-all", "INVALID_REQUEST");
    rejections.submitted("ocr", "acme");
    rejections.rejected("ocr", "acme", "INVALID_REQUEST");
    assertThat(count(TaskMetrics.SUBMITTED, "tenant", "acme"))
        .as("a rejection took no place")
        .isEqualTo(1);
    assertThat(count(TaskMetrics.REJECTED, "tenant", "other")).isEqualTo(1);
    assertThat(count(TaskMetrics.REJECTED, "tenant", "acme")).isEqualTo(1);
  }

  @Test
  void theFirstAttemptGivesTheQueueWaitAndLaterOnesCountAsRetries() {
    var metrics = metrics(Set.of(), 10);

    metrics.attemptStarted("ocr", "acme", 1, T0, T0.plusSeconds(3));
    metrics.attemptStarted("ocr", "acme", 2, T0, T0.plusSeconds(30));

    var wait = meters.get(TaskMetrics.QUEUE_WAIT).tag("tenant", "acme").timer();
    assertThat(wait.count()).isEqualTo(1);
    assertThat(wait.totalTime(TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(count(TaskMetrics.RETRIES, "algorithm", "ocr", "tenant", "acme")).isEqualTo(1);
  }

  @Test
  void callbacksAreCountedByVerdictAndTheDecidingOneTimesTheAlgorithm() {
    var metrics = metrics(Set.of(), 10);

    metrics.callback("ocr", "acme", CallbackVerdict.ACCEPTED, T0, T0.plus(Duration.ofMillis(1500)));
    metrics.callback("ocr", "acme", CallbackVerdict.REPEATED, null, T0);
    metrics.callback("ocr", "acme", CallbackVerdict.ATTEMPT_OVER, null, T0);

    assertThat(count(TaskMetrics.CALLBACKS, "verdict", "accepted")).isEqualTo(1);
    assertThat(count(TaskMetrics.CALLBACKS, "verdict", "repeated")).isEqualTo(1);
    assertThat(count(TaskMetrics.CALLBACKS, "verdict", "late")).isEqualTo(1);
    var time = meters.get(TaskMetrics.ALGORITHM_TIME).tag("algorithm", "ocr").timer();
    assertThat(time.count()).isEqualTo(1);
    assertThat(time.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
  }

  @Test
  void aPublishedResultCountsTheEndAndTimesItFromTheCallback() {
    var metrics = metrics(Set.of(), 10);

    metrics.resultPublished(result(TaskStatus.SUCCEEDED, null, T0), T0.plusMillis(40));
    metrics.resultPublished(result(TaskStatus.TIMED_OUT, "EXECUTION_TIMEOUT", null), T0);

    assertThat(count(TaskMetrics.ENDED, "status", "SUCCEEDED", "code", "none")).isEqualTo(1);
    assertThat(count(TaskMetrics.ENDED, "status", "TIMED_OUT", "code", "EXECUTION_TIMEOUT"))
        .isEqualTo(1);
    var toResult = meters.get(TaskMetrics.CALLBACK_TO_RESULT).timer();
    assertThat(toResult.count()).as("only a task a callback ended").isEqualTo(1);
    assertThat(toResult.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
  }

  @Test
  void deadLettersAreCountedFromZero() {
    var metrics = metrics(Set.of(), 10);
    assertThat(count(TaskMetrics.DEAD_LETTERS)).isZero();
    assertThat(meters.find(TaskMetrics.DEAD_LETTERS).counter()).isNotNull();

    metrics.deadLettered();

    assertThat(count(TaskMetrics.DEAD_LETTERS)).isEqualTo(1);
  }

  private static ResultRecord result(TaskStatus status, String errorCode, Instant callbackAt) {
    return new ResultRecord(
        "t-1",
        "ocr",
        "acme",
        status,
        1,
        "replies",
        null,
        errorCode,
        null,
        T0,
        T0,
        T0,
        "e-1",
        null,
        null,
        callbackAt);
  }
}
