package io.algotask.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Each task's way through the system, joined from three clocks on one machine: the load's (submit,
 * result seen), the records' (recorded, invocation recorded, callback recorded, finished,
 * published) and the sample service's timing log (invocation received, callback sent).
 */
final class Timelines {
  /** The four latencies a business service judges. */
  static final List<String> HEADLINE =
      List.of("submit to invoke", "invoke to callback seen", "callback to result", "end to end");

  /** Where the end-to-end time goes, step by step; the steps add up to it. */
  static final List<String> STEPS =
      List.of(
          "intake: Kafka and the intake (submitted to task recorded)",
          "start + slot: workflow started, slot taken (task recorded to invocation recorded)",
          "send: invocation sent (recorded to received at the algorithm)",
          "algorithm (received to callback sent)",
          "callback: sent to recorded (the attempt decided)",
          "finish: callback signal, slot release, task ended (decided to task finished)",
          "result publish (finished to publication recorded, after Kafka's ack)",
          "delivery (publication recorded to seen by the business service)");

  /**
   * Two steps split where the records have the moment between: only over the tasks that have it (a
   * task given a slot at once was never queued).
   */
  static final List<String> SPLITS =
      List.of(
          "start: task recorded to queued for a slot (tasks that waited)",
          "slot: queued to invocation recorded (tasks that waited)",
          "finish, signal: decided to its signal accepted by the engine",
          "finish, end: signal accepted to task finished");

  record Timeline(
      String taskId,
      Instant submitted,
      Instant recorded,
      Instant queued,
      Instant invocationRecorded,
      Instant received,
      Instant callbackSent,
      Instant callbackRecorded,
      Instant callbackSignalled,
      Instant finished,
      Instant published,
      Instant resultSeen) {}

  private Timelines() {}

  static List<Timeline> join(
      List<Records.TaskTimes> tasks,
      SampleTimings sample,
      Function<String, Instant> submitted,
      Function<String, Instant> resultSeen) {
    var timelines = new ArrayList<Timeline>();
    for (var task : tasks) {
      var events = sample.of(task.taskId(), Math.max(1, task.attempts()));
      timelines.add(
          new Timeline(
              task.taskId(),
              submitted.apply(task.taskId()),
              task.submittedAt(),
              task.queuedAt(),
              task.invokedAt(),
              events.received(),
              events.callbackSent(),
              task.callbackAt(),
              task.callbackSignalledAt(),
              task.finishedAt(),
              task.publishedAt(),
              resultSeen.apply(task.taskId())));
    }
    return timelines;
  }

  static Map<String, List<Double>> headline(List<Timeline> timelines) {
    var stages = new LinkedHashMap<String, List<Double>>();
    HEADLINE.forEach(name -> stages.put(name, new ArrayList<>()));
    for (var t : timelines) {
      add(stages.get(HEADLINE.get(0)), t.submitted(), t.received());
      add(stages.get(HEADLINE.get(1)), t.received(), t.callbackRecorded());
      add(stages.get(HEADLINE.get(2)), t.callbackRecorded(), t.resultSeen());
      add(stages.get(HEADLINE.get(3)), t.submitted(), t.resultSeen());
    }
    return stages;
  }

  static Map<String, List<Double>> steps(List<Timeline> timelines) {
    var stages = new LinkedHashMap<String, List<Double>>();
    STEPS.forEach(name -> stages.put(name, new ArrayList<>()));
    for (var t : timelines) {
      var points =
          new Instant[] {
            t.submitted(),
            t.recorded(),
            t.invocationRecorded(),
            t.received(),
            t.callbackSent(),
            t.callbackRecorded(),
            t.finished(),
            t.published(),
            t.resultSeen()
          };
      for (int i = 0; i < STEPS.size(); i++) {
        add(stages.get(STEPS.get(i)), points[i], points[i + 1]);
      }
    }
    return stages;
  }

  static Map<String, List<Double>> splits(List<Timeline> timelines) {
    var stages = new LinkedHashMap<String, List<Double>>();
    SPLITS.forEach(name -> stages.put(name, new ArrayList<>()));
    for (var t : timelines) {
      if (t.queued() != null) {
        add(stages.get(SPLITS.get(0)), t.recorded(), t.queued());
        add(stages.get(SPLITS.get(1)), t.queued(), t.invocationRecorded());
      }
      if (t.callbackSignalled() != null) {
        add(stages.get(SPLITS.get(2)), t.callbackRecorded(), t.callbackSignalled());
        add(stages.get(SPLITS.get(3)), t.callbackSignalled(), t.finished());
      }
    }
    return stages;
  }

  static double millisBetween(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1_000_000.0;
  }

  private static void add(List<Double> values, Instant from, Instant to) {
    if (from != null && to != null) {
      values.add(millisBetween(from, to));
    }
  }
}
