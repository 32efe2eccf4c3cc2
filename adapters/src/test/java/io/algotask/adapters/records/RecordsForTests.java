package io.algotask.adapters.records;

import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Clean-up of the tasks a test recorded in the shared database. */
final class RecordsForTests {
  private RecordsForTests() {}

  /** Deletes the tasks with their attempts and events. */
  static void deleteTasks(JdbcClient jdbc, Collection<String> taskIds) {
    for (var taskId : taskIds) {
      for (var table : List.of("task_event", "task_execution", "task")) {
        jdbc.sql("delete from " + table + " where task_id = :taskId")
            .param("taskId", taskId)
            .update();
      }
    }
  }
}
