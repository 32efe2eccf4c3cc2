package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against the local stack's test database, with an algorithm of the test's own. */
class RecordsIT {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/algotask_test";
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private final Records records = new Records(URL, "algotask", "algotask");
  private final String algorithm = "records-it-" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void deleteTheTestsRecords() throws Exception {
    records.deleteRun(List.of(algorithm));
  }

  @Test
  void aTaskIsReadWithItsFirstQueuedMomentAndItsDecidingAttempt() throws Exception {
    var waited = algorithm + "-1";
    var atOnce = algorithm + "-2";
    insertTask(waited, 2);
    insertTask(atOnce, 1);
    try (var db = records.connect()) {
      // the event trigger records each status change: queued twice, first at +20 ms
      for (var change :
          List.of(
              new Object[] {"QUEUED", 20},
              new Object[] {"RUNNING", 30},
              new Object[] {"QUEUED", 50},
              new Object[] {"RUNNING", 60},
              new Object[] {"SUCCEEDED", 90})) {
        try (var update =
            db.prepareStatement(
                "update task set status = ?, updated_at = ?,"
                    + " finished_at = case when ? = 'SUCCEEDED' then updated_at end"
                    + " where task_id = ?")) {
          update.setString(1, (String) change[0]);
          update.setTimestamp(2, at((Integer) change[1]));
          update.setString(3, (String) change[0]);
          update.setString(4, waited);
          update.executeUpdate();
        }
      }
      insertAttempt(db, waited, 1, 30, null, null);
      insertAttempt(db, waited, 2, 60, 70, 75);
      insertAttempt(db, atOnce, 1, 5, 8, null);
    }

    var tasks = records.tasksOf(algorithm);

    assertThat(tasks).hasSize(2);
    var first = tasks.stream().filter(t -> t.taskId().equals(waited)).findFirst().orElseThrow();
    assertThat(first.queuedAt()).isEqualTo(T0.plusMillis(20));
    assertThat(first.invokedAt()).as("the deciding attempt's").isEqualTo(T0.plusMillis(60));
    assertThat(first.callbackAt()).isEqualTo(T0.plusMillis(70));
    assertThat(first.callbackSignalledAt()).isEqualTo(T0.plusMillis(75));
    assertThat(first.slotToken()).isEqualTo("e:2");
    var second = tasks.stream().filter(t -> t.taskId().equals(atOnce)).findFirst().orElseThrow();
    assertThat(second.queuedAt()).as("never queued").isNull();
    assertThat(second.callbackAt()).isEqualTo(T0.plusMillis(8));
    assertThat(second.callbackSignalledAt()).isNull();
  }

  @Test
  void grantsAreReadWithTheirTenantInTheOrderTheTasksFirstStarted() throws Exception {
    var second = algorithm + "-1";
    var first = algorithm + "-2";
    var waiting = algorithm + "-3";
    insertTask(second, 1);
    insertTask(first, 1);
    insertTask(waiting, 0);
    try (var db = records.connect();
        var start =
            db.prepareStatement(
                "update task set tenant = ?, status = 'RUNNING', started_at = ? where task_id = ?")) {
      for (var change :
          List.of(new Object[] {"noisy", 40, second}, new Object[] {"quiet", 30, first})) {
        start.setString(1, (String) change[0]);
        start.setTimestamp(2, at((Integer) change[1]));
        start.setString(3, (String) change[2]);
        start.executeUpdate();
      }
    }

    var grants = records.grantsOf(algorithm);

    assertThat(grants)
        .containsExactly(
            new Records.Grant(first, "quiet", T0, T0.plusMillis(30)),
            new Records.Grant(second, "noisy", T0, T0.plusMillis(40)),
            new Records.Grant(waiting, "acme", T0, null));
  }

  @Test
  void theDatabasesTransactionsAreCountedAsTheyCommit() throws Exception {
    var before = records.transactions();

    for (int i = 0; i < 5; i++) {
      try (var connection = records.connect();
          var statement = connection.createStatement()) {
        statement.execute("select 1");
      }
    }

    // each backend reports its transactions when its connection closes, or within half a second
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(records.transactions() - before).isGreaterThanOrEqualTo(5));
  }

  private void insertTask(String taskId, int attempts) throws Exception {
    try (var db = records.connect();
        var insert =
            db.prepareStatement(
                "insert into task (task_id, algorithm, tenant, priority, status, reply_topic,"
                    + " request, attempts, submitted_at, updated_at)"
                    + " values (?, ?, 'acme', 3, 'ACCEPTED', 'acme.results', '{}'::jsonb, ?, ?, ?)")) {
      insert.setString(1, taskId);
      insert.setString(2, algorithm);
      insert.setInt(3, attempts);
      insert.setTimestamp(4, at(0));
      insert.setTimestamp(5, at(0));
      insert.executeUpdate();
    }
  }

  private static void insertAttempt(
      java.sql.Connection db,
      String taskId,
      int attempt,
      int invoked,
      Integer decided,
      Integer signalled)
      throws Exception {
    try (var insert =
        db.prepareStatement(
            "insert into task_execution (task_id, attempt, status, slot_token, invoked_at,"
                + " deadline, finished_at, callback_signalled_at)"
                + " values (?, ?, 'SUCCEEDED', ?, ?, ?, ?, ?)")) {
      insert.setString(1, taskId);
      insert.setInt(2, attempt);
      insert.setString(3, "e:" + attempt);
      insert.setTimestamp(4, at(invoked));
      insert.setTimestamp(5, at(invoked + 60_000));
      insert.setTimestamp(6, decided == null ? null : at(decided));
      insert.setTimestamp(7, signalled == null ? null : at(signalled));
      insert.executeUpdate();
    }
  }

  private static Timestamp at(int millis) {
    return Timestamp.from(T0.plusMillis(millis));
  }
}
