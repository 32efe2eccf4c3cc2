package io.algotask.adapters.records;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Runs a background job in one process at a time, whichever app and however many instances run it:
 * a PostgreSQL advisory lock named after the job is held for the run, on a connection of its own,
 * and a process that finds it taken skips its run. A process that dies releases it with its
 * connection.
 */
@Component
public class ExclusiveJobs {
  private final DataSource dataSource;

  ExclusiveJobs(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs the job unless another process runs it now; true when it ran here. */
  public boolean runAlone(String jobName, Runnable job) {
    var key = lockKeyOf(jobName);
    try (var connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (var lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
        lock.setLong(1, key);
        try (var locked = lock.executeQuery()) {
          if (!locked.next() || !locked.getBoolean(1)) {
            return false;
          }
        }
      }
      try {
        job.run();
      } finally {
        try (var unlock = connection.prepareStatement("select pg_advisory_unlock(?)")) {
          unlock.setLong(1, key);
          unlock.execute();
        }
      }
      return true;
    } catch (SQLException e) {
      throw new IllegalStateException("the lock of job " + jobName + " failed", e);
    }
  }

  /** A stable 64-bit key per job name, the same in every process. */
  static long lockKeyOf(String jobName) {
    return UUID.nameUUIDFromBytes(("algotask-job/" + jobName).getBytes(StandardCharsets.UTF_8))
        .getMostSignificantBits();
  }
}
