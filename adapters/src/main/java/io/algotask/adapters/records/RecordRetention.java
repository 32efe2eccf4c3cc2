package io.algotask.adapters.records;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps the records from growing without end. A task's events older than their retention are
 * deleted, all but its latest (a watcher reads the task's current state from it). A finished task
 * whose result is published is compacted after its own retention: the request's params, the error
 * message and the attempts' callbacks are dropped. Its row stays for good, so its taskId stays used
 * up (contract section 1) and reads still answer. Deletes go in batches, each its own transaction,
 * so that no sweep holds locks for long; one process sweeps at a time.
 */
@Component
@EnableConfigurationProperties(RecordRetention.Settings.class)
public class RecordRetention extends PeriodicJob {
  private static final Logger log = LoggerFactory.getLogger(RecordRetention.class);

  /**
   * Settings of the retention.
   *
   * @param enabled whether this process takes part (one of those that do sweeps at a time)
   * @param events how long a task's events are kept (its latest one is kept for good)
   * @param finishedTasks how long a finished task keeps its large fields
   * @param interval time between sweeps
   * @param batchSize rows deleted or compacted per statement
   */
  @ConfigurationProperties("algotask.retention")
  public record Settings(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("30d") Duration events,
      @DefaultValue("90d") Duration finishedTasks,
      @DefaultValue("1h") Duration interval,
      @DefaultValue("1000") int batchSize) {}

  /** What one sweep did. */
  public record Swept(long eventsDeleted, long tasksCompacted) {}

  private final Settings settings;
  private final JdbcClient jdbc;
  private final ExclusiveJobs jobs;

  RecordRetention(Settings settings, JdbcClient jdbc, ExclusiveJobs jobs) {
    super("record-retention", settings.enabled(), settings.interval());
    this.settings = settings;
    this.jdbc = jdbc;
    this.jobs = jobs;
  }

  /** One sweep, unless another process sweeps now. */
  public Swept sweep() {
    var swept = new long[2];
    jobs.runAlone(
        "record-retention",
        () -> {
          var now = Instant.now();
          swept[0] = inBatches(() -> deleteEventsBefore(now.minus(settings.events())));
          swept[1] =
              inBatches(() -> compactTasksFinishedBefore(now.minus(settings.finishedTasks())));
        });
    if (swept[0] > 0 || swept[1] > 0) {
      log.info(
          "retention: {} task event(s) deleted, {} finished task(s) compacted", swept[0], swept[1]);
    }
    return new Swept(swept[0], swept[1]);
  }

  private long inBatches(java.util.function.IntSupplier batch) {
    long total = 0;
    int done;
    do {
      done = batch.getAsInt();
      total += done;
    } while (done >= settings.batchSize());
    return total;
  }

  private int deleteEventsBefore(Instant cutoff) {
    return jdbc.sql(
            """
            delete from task_event e using (
              select old.task_id, old.sequence from task_event old
              join task t on t.task_id = old.task_id
              where old.at < :cutoff and old.sequence < t.event_sequence
              limit :batch
            ) doomed
            where e.task_id = doomed.task_id and e.sequence = doomed.sequence
            """)
        .param("cutoff", java.sql.Timestamp.from(cutoff))
        .param("batch", settings.batchSize())
        .update();
  }

  /**
   * Drops the large fields of finished tasks in one statement per batch. None of them is watched by
   * the event trigger, so compaction adds no event; the latest event's snapshot loses the error
   * message too.
   */
  private int compactTasksFinishedBefore(Instant cutoff) {
    return jdbc.sql(
            """
            with due as (
              select task_id from task
              where compacted_at is null and finished_at < :cutoff
                and result_published_at is not null
              order by finished_at
              limit :batch
              for update skip locked
            ), compacted as (
              update task t set request = t.request - 'params', error_message = null,
                                compacted_at = now()
              from due where t.task_id = due.task_id
              returning t.task_id
            ), executions as (
              update task_execution e set callback = null
              from compacted where e.task_id = compacted.task_id
            ), events as (
              update task_event ev set task = ev.task - 'error_message'
              from compacted where ev.task_id = compacted.task_id
            )
            select count(*) from compacted
            """)
        .param("cutoff", java.sql.Timestamp.from(cutoff))
        .param("batch", settings.batchSize())
        .query(Integer.class)
        .single();
  }

  @Override
  protected void runOnce() {
    sweep();
  }
}
