package io.algotask.adapters.records;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background job that runs every interval on a daemon thread of its own while the app runs. A run
 * that fails (PostgreSQL or Temporal away) is logged and the next one tries again; a job that must
 * run in one process at a time takes its lock in {@link #runOnce} through {@link ExclusiveJobs}.
 */
public abstract class PeriodicJob implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(PeriodicJob.class);

  private final String name;
  private final boolean enabled;
  private final Duration interval;
  private ScheduledExecutorService timer;

  protected PeriodicJob(String name, boolean enabled, Duration interval) {
    this.name = name;
    this.enabled = enabled;
    this.interval = interval;
  }

  /** One run of the job's work. */
  protected abstract void runOnce();

  @Override
  public void start() {
    if (!enabled) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              var thread = new Thread(runnable, name);
              thread.setDaemon(true);
              return thread;
            });
    var everyMs = interval.toMillis();
    timer.scheduleWithFixedDelay(this::runSafely, everyMs, everyMs, TimeUnit.MILLISECONDS);
  }

  private void runSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.warn("{} failed, the next run tries again: {}", name, e.toString());
    }
  }

  @Override
  public void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  @Override
  public boolean isRunning() {
    return timer != null;
  }
}
