package io.algotask.api.intake;

import io.algotask.adapters.records.AcceptedTask;
import io.algotask.adapters.records.ExclusiveJobs;
import io.algotask.adapters.records.PeriodicJob;
import io.algotask.adapters.records.TaskRecords;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;

/**
 * Resumes tasks left {@code ACCEPTED}: a door that recorded a task and then failed to start its
 * workflow (Temporal away, the process stopped) leaves a task whose taskId is used up, and a caller
 * that never retries would never see it run. A task still {@code ACCEPTED} well after its
 * submission gets its workflow started now; a start is idempotent by workflow id, so a task whose
 * workflow runs already (its worker is behind) is left as it is. One api-app at a time sweeps.
 */
@Component
@EnableConfigurationProperties(AcceptedTaskSweep.Settings.class)
public class AcceptedTaskSweep extends PeriodicJob {
  private static final Logger log = LoggerFactory.getLogger(AcceptedTaskSweep.class);

  /**
   * Settings of the sweep.
   *
   * @param enabled whether this process takes part (one of those that do sweeps at a time)
   * @param olderThan a task still ACCEPTED this long after its submission is resumed; well above
   *     the time a workflow takes to move its task on, so a busy worker is not mistaken for a
   *     failed start
   * @param interval time between sweeps
   * @param batchSize tasks resumed per sweep at most; the rest wait for the next
   */
  @ConfigurationProperties("algotask.intake.resume")
  public record Settings(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("2m") Duration olderThan,
      @DefaultValue("30s") Duration interval,
      @DefaultValue("100") int batchSize) {}

  private final Settings settings;
  private final TaskRecords tasks;
  private final TaskIntake intake;
  private final ExclusiveJobs jobs;

  /** Where the next sweep goes on: tasks whose workflow waits for a worker stay ACCEPTED. */
  private volatile AcceptedTask after = AcceptedTask.FIRST;

  AcceptedTaskSweep(Settings settings, TaskRecords tasks, TaskIntake intake, ExclusiveJobs jobs) {
    super("accepted-task-sweep", settings.enabled(), settings.interval());
    this.settings = settings;
    this.tasks = tasks;
    this.intake = intake;
    this.jobs = jobs;
  }

  /** One sweep, unless another process sweeps now; returns how many tasks were resumed. */
  public int sweep() {
    var resumed = new int[1];
    jobs.runAlone(
        "resume-accepted-tasks",
        () -> {
          var cutoff = Instant.now().minus(settings.olderThan());
          var batch =
              tasks.acceptedBefore(
                  cutoff, after.submittedAt(), after.taskId(), Limit.of(settings.batchSize()));
          // the next sweep goes on after this batch, or starts over when it reached the end
          after =
              batch.size() < settings.batchSize()
                  ? AcceptedTask.FIRST
                  : batch.get(batch.size() - 1);
          for (var accepted : batch) {
            var taskId = accepted.taskId();
            try {
              intake.resume(taskId);
              resumed[0]++;
              log.info(
                  "task {} was still ACCEPTED after {}: resumed (its workflow started if it had none)",
                  taskId,
                  settings.olderThan());
            } catch (RuntimeException e) { // Temporal away: the next sweep tries again
              log.warn("resuming task {} failed: {}", taskId, e.toString());
            }
          }
        });
    return resumed[0];
  }

  @Override
  protected void runOnce() {
    sweep();
  }
}
