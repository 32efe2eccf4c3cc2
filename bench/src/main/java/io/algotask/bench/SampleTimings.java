package io.algotask.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample algorithm service's timing log (ALGOTASK_SAMPLE_TIMING_LOG): per attempt, the first
 * time it received the invocation, sent the callback and had the callback answered.
 */
final class SampleTimings {
  /** The first time of each event of one attempt; null where it did not happen. */
  record Events(Instant received, Instant callbackSent, Instant callbackAnswered) {}

  private final Map<String, Events> byAttempt;

  private SampleTimings(Map<String, Events> byAttempt) {
    this.byAttempt = byAttempt;
  }

  static SampleTimings read(Path log) throws IOException {
    return parse(Files.exists(log) ? Files.readAllLines(log) : List.of());
  }

  /** Lines {@code <epoch micros> <event> <algorithm> <taskId> <attempt>}; others are skipped. */
  static SampleTimings parse(List<String> lines) {
    var byAttempt = new HashMap<String, Events>();
    for (var line : lines) {
      var f = line.trim().split(" ");
      if (f.length != 5) {
        continue;
      }
      long micros;
      try {
        micros = Long.parseLong(f[0]);
      } catch (NumberFormatException notATimingLine) {
        continue;
      }
      var at = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
      var key = key(f[3], Integer.parseInt(f[4]));
      var events = byAttempt.getOrDefault(key, new Events(null, null, null));
      events =
          switch (f[1]) {
            case "received" ->
                events.received() != null
                    ? events
                    : new Events(at, events.callbackSent(), events.callbackAnswered());
            case "callback-sent" ->
                events.callbackSent() != null
                    ? events
                    : new Events(events.received(), at, events.callbackAnswered());
            case "callback-answered" ->
                events.callbackAnswered() != null
                    ? events
                    : new Events(events.received(), events.callbackSent(), at);
            default -> events;
          };
      byAttempt.put(key, events);
    }
    return new SampleTimings(byAttempt);
  }

  Events of(String taskId, int attempt) {
    return byAttempt.getOrDefault(key(taskId, attempt), new Events(null, null, null));
  }

  int attempts() {
    return byAttempt.size();
  }

  private static String key(String taskId, int attempt) {
    return taskId + "#" + attempt;
  }
}
