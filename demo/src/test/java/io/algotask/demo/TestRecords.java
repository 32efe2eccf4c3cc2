package io.algotask.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads of the test database's task records, for conditions and reports. The cluster shape's tests
 * read the database of its apps instead (system property {@code algotask.test.jdbc-url}).
 */
final class TestRecords {
  static final String URL =
      System.getProperty(
          "algotask.test.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/algotask_test");

  private TestRecords() {}

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, "algotask", "algotask");
  }

  static String statusOf(String taskId) {
    try (var db = connect();
        var query = db.prepareStatement("select status from task where task_id = ?")) {
      query.setString(1, taskId);
      try (var rows = query.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many of the tasks are over (their finished_at is set). */
  static long finishedAmong(Collection<String> taskIds) {
    try (var db = connect();
        var query =
            db.prepareStatement(
                "select count(*) from task where task_id = any (?) and finished_at is not null")) {
      query.setArray(1, db.createArrayOf("varchar", taskIds.toArray()));
      try (var rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The recorded tasks by status, and the attempts they took. */
  static Map<String, Long> statusCounts(Collection<String> taskIds) {
    try (var db = connect();
        var query =
            db.prepareStatement(
                """
                select status, count(*) from task where task_id = any (?) group by status
                """)) {
      query.setArray(1, db.createArrayOf("varchar", taskIds.toArray()));
      var counts = new TreeMap<String, Long>();
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          counts.put(rows.getString(1), rows.getLong(2));
        }
      }
      return counts;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Attempts made over the tasks (rows of task_execution). */
  static long attemptsAmong(Collection<String> taskIds) {
    try (var db = connect();
        var query =
            db.prepareStatement("select count(*) from task_execution where task_id = any (?)")) {
      query.setArray(1, db.createArrayOf("varchar", taskIds.toArray()));
      try (var rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
