package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelinesTest {
  private static final Instant T0 = Instant.parse("2026-11-26T23:00:00Z");

  private static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  @Test
  void theStepsAddUpToEndToEndAndTheHeadlineSplitsItInThree() {
    var task =
        new Records.TaskTimes(
            "t-1",
            "SUCCEEDED",
            1,
            at(10),
            at(20),
            at(70),
            at(80),
            at(30),
            at(36),
            at(60),
            at(64),
            "e:1");
    var sample =
        SampleTimings.parse(
            List.of(
                micros(at(35)) + " received a t-1 1", micros(at(50)) + " callback-sent a t-1 1"));

    var timelines = Timelines.join(List.of(task), sample, id -> at(0), id -> at(100));

    var headline = Timelines.headline(timelines);
    assertThat(headline.get("submit to invoke")).containsExactly(35.0);
    assertThat(headline.get("invoke to callback seen")).containsExactly(25.0);
    assertThat(headline.get("callback to result")).containsExactly(40.0);
    assertThat(headline.get("end to end")).containsExactly(100.0);
    var steps = Timelines.steps(timelines);
    assertThat(steps.values().stream().mapToDouble(v -> v.get(0)).sum()).isEqualTo(100.0);
    assertThat(steps.get(Timelines.STEPS.get(0))).containsExactly(10.0);
    assertThat(steps.get(Timelines.STEPS.get(3))).containsExactly(15.0);
    var splits = Timelines.splits(timelines);
    assertThat(splits.get(Timelines.SPLITS.get(0))).as("start").containsExactly(10.0);
    assertThat(splits.get(Timelines.SPLITS.get(1))).as("slot").containsExactly(10.0);
    assertThat(splits.get(Timelines.SPLITS.get(2))).as("signal").containsExactly(4.0);
    assertThat(splits.get(Timelines.SPLITS.get(3))).as("end").containsExactly(6.0);
  }

  @Test
  void aTaskGivenItsSlotAtOnceHasNoSplitOfItsStart() {
    var task =
        new Records.TaskTimes(
            "t-1",
            "SUCCEEDED",
            1,
            at(10),
            null,
            at(70),
            at(80),
            at(30),
            at(36),
            at(60),
            null,
            "e:1");

    var splits =
        Timelines.splits(
            Timelines.join(List.of(task), SampleTimings.parse(List.of()), id -> at(0), id -> null));

    assertThat(splits.values()).allSatisfy(values -> assertThat(values).isEmpty());
    var table =
        LatencyReport.steps(
            Timelines.join(
                List.of(task), SampleTimings.parse(List.of()), id -> at(0), id -> at(90)));
    assertThat(table)
        .contains(
            "| start + slot: workflow started, slot taken (task recorded to invocation recorded) | 20.0 | 20.0 | 20.0 | 20.0 | 1 |")
        .contains(
            "| start: task recorded to queued for a slot (tasks that waited) | - | - | - | - | 0 |");
  }

  @Test
  void aMissingTimeLeavesOnlyItsStagesOut() {
    var task =
        new Records.TaskTimes(
            "t-1", "RUNNING", 1, at(10), null, null, null, at(30), null, null, null, "e:1");

    var headline =
        Timelines.headline(
            Timelines.join(List.of(task), SampleTimings.parse(List.of()), id -> at(0), id -> null));

    assertThat(headline.values()).allSatisfy(values -> assertThat(values).isEmpty());
  }

  static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
  }
}
