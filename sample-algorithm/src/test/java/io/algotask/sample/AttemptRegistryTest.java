package io.algotask.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttemptRegistryTest {
  private final AlgorithmCounters counters = new AlgorithmCounters();
  private final AttemptRegistry registry = new AttemptRegistry();

  @Test
  void remembersAnAttemptWhileItRunsAndForAMinuteAfter() {
    Attempt running = accepted("running");
    Attempt cancelled = accepted("cancelled");
    Attempt overAtDeadline = accepted("over");
    assertThat(cancelled.cancel()).isTrue();
    overAtDeadline.deadlinePassed();

    registry.forgetOldAttempts(System.nanoTime());
    assertThat(registry.find(cancelled.key())).isSameAs(cancelled);

    registry.forgetOldAttempts(System.nanoTime() + Attempt.REMEMBER_AFTER_FREED_NANOS + 1);
    assertThat(registry.find(running.key())).isSameAs(running);
    assertThat(registry.find(cancelled.key())).isNull();
    assertThat(registry.find(overAtDeadline.key())).isNull();
    assertThat(counters.snapshot().running()).isEqualTo(1);
  }

  @Test
  void aSlotIsFreedOnceWhateverFreesIt() {
    Attempt attempt = accepted("raced");
    assertThat(attempt.startCallback()).isTrue();
    assertThat(attempt.cancel()).as("a callback is under way").isFalse();

    attempt.deadlinePassed();
    attempt.callbackAnswered();
    attempt.deadlinePassed();

    assertThat(counters.snapshot().running()).isZero();
    assertThat(counters.snapshot().peakRunning()).isEqualTo(1);
  }

  @Test
  void aCallbackOnTheWireNoLongerCountsUnlessItFails() {
    Attempt attempt = accepted("calling");
    attempt.startCallback();

    attempt.callbackSending();
    assertThat(counters.snapshot().running()).isZero();
    attempt.callbackNotTaken(); // 503: the orchestrator still holds the slot
    assertThat(counters.snapshot().running()).isEqualTo(1);
    attempt.callbackSending();
    attempt.callbackAnswered();

    assertThat(counters.snapshot().running()).isZero();
    attempt.callbackNotTaken(); // too late: nothing changes
    attempt.deadlinePassed();
    assertThat(counters.snapshot().running()).isZero();
    assertThat(counters.snapshot().peakRunning()).isEqualTo(1);
  }

  @Test
  void theDeadlineEndsAnAttemptWhoseCallbackIsOnTheWire() {
    Attempt attempt = accepted("late");
    attempt.startCallback();
    attempt.callbackSending();

    attempt.deadlinePassed();
    attempt.callbackNotTaken();

    assertThat(counters.snapshot().running()).isZero();
  }

  @Test
  void theSecondOfTwoRacingDeliveriesIsADuplicate() {
    Attempt first = new Attempt(new AttemptKey("same", 1), "ocr", counters);
    Attempt second = new Attempt(new AttemptKey("same", 1), "ocr", counters);

    assertThat(registry.addIfAbsent(first)).isNull();
    assertThat(registry.addIfAbsent(second)).isSameAs(first);
  }

  private Attempt accepted(String taskId) {
    Attempt attempt = new Attempt(new AttemptKey(taskId, 1), "ocr", counters);
    assertThat(registry.addIfAbsent(attempt)).isNull();
    attempt.takeSlot();
    return attempt;
  }
}
