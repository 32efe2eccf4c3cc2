package io.algotask.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The eventIds of the latest results handled, in memory, at most {@code capacity} of them (the
 * oldest are forgotten first): about 100 bytes each, so the default 100,000 take some 10 MB.
 *
 * <p>Enough where repeats come close behind the original, as they do: a result is published again
 * only when a worker was lost between the broker's acknowledgement and its record of it, and the
 * copy follows within the task's retry, long before 100,000 other results. What it does not cover:
 * a process restart (offsets are committed only after the results are handled, so a restart replays
 * at most the results of one unfinished poll, handing them over again); for that, plug in a durable
 * {@link SeenEvents}.
 */
public final class RecentEvents implements SeenEvents {
  public static final int DEFAULT_CAPACITY = 100_000;

  private final Map<String, Boolean> events;

  public RecentEvents() {
    this(DEFAULT_CAPACITY);
  }

  public RecentEvents(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.events =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  @Override
  public synchronized boolean seen(String eventId) {
    return events.containsKey(eventId);
  }

  @Override
  public synchronized void remember(String eventId) {
    events.put(eventId, Boolean.TRUE);
  }

  /** How many eventIds are remembered now. */
  public synchronized int size() {
    return events.size();
  }
}
