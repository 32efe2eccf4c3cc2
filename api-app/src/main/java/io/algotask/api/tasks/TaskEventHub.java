package io.algotask.api.tasks;

import io.algotask.adapters.records.PostgresNotifications;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Tells watchers of a task that it changed. The database announces every recorded change of a task
 * (a trigger writes the event and notifies), so a change made by any process reaches the watchers
 * here within milliseconds; watchers read the events themselves, so a lost notice only delays them
 * until the next catch-up.
 */
@Component
public class TaskEventHub {
  static final String CHANNEL = "algotask_task_events";

  private final Map<String, Set<Runnable>> watchersByTask = new ConcurrentHashMap<>();

  TaskEventHub(PostgresNotifications notifications) {
    notifications.listen(CHANNEL, this::changed, this::changedAll);
  }

  /**
   * Calls {@code onChange} (quickly, on the listening thread) whenever the task may have changed.
   */
  public AutoCloseable watch(String taskId, Runnable onChange) {
    // added inside compute, as removed inside computeIfPresent: a set being dropped as empty is
    // never the one a new watcher joins
    watchersByTask.compute(
        taskId,
        (id, watchers) -> {
          var joined = watchers == null ? ConcurrentHashMap.<Runnable>newKeySet() : watchers;
          joined.add(onChange);
          return joined;
        });
    return () ->
        watchersByTask.computeIfPresent(
            taskId,
            (id, watchers) -> {
              watchers.remove(onChange);
              return watchers.isEmpty() ? null : watchers;
            });
  }

  /** How many tasks are being watched now. */
  public int watchedTasks() {
    return watchersByTask.size();
  }

  private void changed(String taskId) {
    watchersByTask.getOrDefault(taskId, Set.of()).forEach(Runnable::run);
  }

  private void changedAll() {
    watchersByTask.values().forEach(watchers -> watchers.forEach(Runnable::run));
  }
}
