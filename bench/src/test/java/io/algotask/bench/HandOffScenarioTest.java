package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandOffScenarioTest {
  private static final Instant T0 = Instant.parse("2026-11-26T23:00:00Z");

  private static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  @Test
  void eachTaskThatWaitedIsMeasuredFromItsPredecessorsReleaseInGrantOrder() {
    // submitted together; granted in the order 3, 1, 2 (token counters)
    var first = task("t-3", 0, 5, 20, 30, "e:1");
    var second = task("t-1", 0, 50, 65, 75, "e:2");
    var third = task("t-2", 0, 100, 115, 125, "e:3");
    // came after the second had finished: it never waited, so no gap is measured for it
    var late = task("t-4", 200, 210, 215, 230, "e:4");
    var sample =
        SampleTimings.parse(
            List.of(
                TimelinesTest.micros(at(52)) + " received a t-1 1",
                TimelinesTest.micros(at(103)) + " received a t-2 1",
                TimelinesTest.micros(at(212)) + " received a t-4 1"));

    var gaps = HandOffScenario.gaps(List.of(third, late, first, second), sample);

    assertThat(gaps.get(HandOffScenario.DECIDED_TO_INVOKE)).containsExactly(32.0, 38.0);
    assertThat(gaps.get(HandOffScenario.RELEASE_TO_INVOKE)).containsExactly(22.0, 28.0);
    assertThat(gaps.get(HandOffScenario.RELEASE_TO_RECORD)).containsExactly(20.0, 25.0);
    assertThat(gaps.keySet().iterator().next())
        .as("the target's gap comes first")
        .isEqualTo(HandOffScenario.DECIDED_TO_INVOKE);
  }

  @Test
  void aSlotFreedAtTheCallbackMeasuresTheNextFromTheDecisionAndMayPrecedeTheEnd() {
    // the next invocation arrives before the previous task's own end was recorded
    var first = task("t-1", 0, 5, 20, 60, "e:1");
    var second = task("t-2", 0, 30, 45, 80, "e:2");
    // submitted after the first was decided but before it ended: it did not wait
    var late = task("t-3", 50, 85, 95, 110, "e:3");
    var sample =
        SampleTimings.parse(
            List.of(
                TimelinesTest.micros(at(32)) + " received a t-2 1",
                TimelinesTest.micros(at(83)) + " received a t-3 1"));

    var gaps = HandOffScenario.gaps(List.of(first, second, late), sample);

    assertThat(gaps.get(HandOffScenario.DECIDED_TO_INVOKE)).containsExactly(12.0);
    assertThat(gaps.get(HandOffScenario.RELEASE_TO_INVOKE)).containsExactly(-28.0);
  }

  /** Submitted, invocation recorded, callback recorded, finished (released), token. */
  private static Records.TaskTimes task(
      String id, long submitted, long invoked, long callback, long finished, String token) {
    return new Records.TaskTimes(
        id,
        "SUCCEEDED",
        1,
        at(submitted),
        null,
        at(finished),
        at(finished + 2),
        at(invoked),
        at(invoked + 1),
        at(callback),
        at(callback + 1),
        token);
  }
}
