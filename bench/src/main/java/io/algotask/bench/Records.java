package io.algotask.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads of the task and execution records (Flyway schema of activities/). */
final class Records {
  /**
   * A task and its last attempt (the one that decided it), as recorded. Times are null where not
   * (yet) written.
   *
   * @param queuedAt when it first had to wait for a slot (its first QUEUED event); null when a slot
   *     was free at once
   * @param callbackAt when its attempt was decided: the callback recorded
   * @param callbackSignalledAt when the engine accepted the callback's signal to the workflow
   */
  record TaskTimes(
      String taskId,
      String status,
      int attempts,
      Instant submittedAt,
      Instant queuedAt,
      Instant finishedAt,
      Instant publishedAt,
      Instant invokedAt,
      Instant acceptedAt,
      Instant callbackAt,
      Instant callbackSignalledAt,
      String slotToken) {

    /** The counter of the slot's fencing token {@code <epoch>:<counter>}: the grant order. */
    long grantCounter() {
      return slotToken == null
          ? -1
          : Long.parseLong(slotToken.substring(slotToken.indexOf(':') + 1));
    }
  }

  private final String url;
  private final String user;
  private final String password;

  Records(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  List<TaskTimes> tasksOf(String algorithm) throws SQLException {
    var tasks = new ArrayList<TaskTimes>();
    try (var db = connect();
        var query =
            db.prepareStatement(
                """
                select t.task_id, t.status, t.attempts, t.submitted_at,
                       (select min(q.at) from task_event q
                        where q.task_id = t.task_id and q.status = 'QUEUED'),
                       t.finished_at, t.result_published_at, e.invoked_at, e.accepted_at,
                       e.finished_at, e.callback_signalled_at, e.slot_token
                from task t
                left join task_execution e on e.task_id = t.task_id and e.attempt = t.attempts
                where t.algorithm = ?
                """)) {
      query.setString(1, algorithm);
      query.setFetchSize(2_000);
      db.setAutoCommit(false); // lets the driver stream with the fetch size
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          tasks.add(
              new TaskTimes(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getInt(3),
                  instant(rows.getTimestamp(4)),
                  instant(rows.getTimestamp(5)),
                  instant(rows.getTimestamp(6)),
                  instant(rows.getTimestamp(7)),
                  instant(rows.getTimestamp(8)),
                  instant(rows.getTimestamp(9)),
                  instant(rows.getTimestamp(10)),
                  instant(rows.getTimestamp(11)),
                  rows.getString(12)));
        }
      }
      db.commit();
    }
    return tasks;
  }

  /**
   * A task's way to its first slot: submitted (intake recorded) and first started (slot granted,
   * attempt about to be sent); {@code startedAt} is null while it still waits.
   */
  record Grant(String taskId, String tenant, Instant submittedAt, Instant startedAt) {}

  /** The tasks of the algorithm with their tenant, in the order they first started. */
  List<Grant> grantsOf(String algorithm) throws SQLException {
    var grants = new ArrayList<Grant>();
    try (var db = connect();
        var query =
            db.prepareStatement(
                "select task_id, tenant, submitted_at, started_at from task where algorithm = ?"
                    + " order by started_at nulls last, task_id")) {
      query.setString(1, algorithm);
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          grants.add(
              new Grant(
                  rows.getString(1),
                  rows.getString(2),
                  instant(rows.getTimestamp(3)),
                  instant(rows.getTimestamp(4))));
        }
      }
    }
    return grants;
  }

  /** Tasks of the algorithm by status. */
  Map<String, Long> statusCounts(String algorithm) throws SQLException {
    var counts = new TreeMap<String, Long>();
    try (var db = connect();
        var query =
            db.prepareStatement(
                "select status, count(*) from task where algorithm = ? group by status")) {
      query.setString(1, algorithm);
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          counts.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return counts;
  }

  /** Every algorithm of a benchmark run that has records or a registry entry. */
  List<String> benchAlgorithms() throws SQLException {
    var names = new ArrayList<String>();
    try (var db = connect();
        var query =
            db.prepareStatement(
                "select distinct algorithm from task where algorithm like 'bench-%'"
                    + " union select name from algorithm where name like 'bench-%'");
        var rows = query.executeQuery()) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  /** The tasks of these algorithms whose workflows may still be open. */
  List<String> unfinishedTasks(List<String> algorithms) throws SQLException {
    var taskIds = new ArrayList<String>();
    try (var db = connect();
        var query =
            db.prepareStatement(
                "select task_id from task where algorithm = any (?)"
                    + " and status in ('ACCEPTED', 'QUEUED', 'RUNNING')")) {
      query.setArray(1, db.createArrayOf("varchar", algorithms.toArray()));
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          taskIds.add(rows.getString(1));
        }
      }
    }
    return taskIds;
  }

  /** Deletes the run's tasks (with their attempts and events) and its algorithms. */
  long deleteRun(List<String> algorithms) throws SQLException {
    try (var db = connect()) {
      db.setAutoCommit(false);
      var names = db.createArrayOf("varchar", algorithms.toArray());
      long deleted;
      try (var events =
              db.prepareStatement(
                  "delete from task_event where task_id in"
                      + " (select task_id from task where algorithm = any (?))");
          var executions =
              db.prepareStatement(
                  "delete from task_execution where task_id in"
                      + " (select task_id from task where algorithm = any (?))");
          var tasks = db.prepareStatement("delete from task where algorithm = any (?)");
          var registry = db.prepareStatement("delete from algorithm where name = any (?)")) {
        for (var statement : List.of(events, executions, tasks, registry)) {
          statement.setArray(1, names);
        }
        events.executeUpdate();
        executions.executeUpdate();
        deleted = tasks.executeUpdate();
        registry.executeUpdate();
      }
      db.commit();
      return deleted;
    }
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  /**
   * Transactions committed or rolled back in the run's database so far, all clients together
   * (PostgreSQL's statistics, sent by each backend at the end of a transaction and at most every
   * half second): a count that does not move with the machine's speed. Each statement outside a
   * transaction is one.
   */
  long transactions() throws SQLException {
    try (var connection = connect();
        var statement = connection.createStatement()) {
      // a fresh snapshot: within a transaction PostgreSQL would answer from its first read
      statement.execute("select pg_stat_clear_snapshot()");
      try (var rows =
          statement.executeQuery(
              "select xact_commit + xact_rollback from pg_stat_database"
                  + " where datname = current_database()")) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
