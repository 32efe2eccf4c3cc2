package io.algotask.adapters.records;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task as its readers see it: now (from its row) and after each of its changes (from its
 * events). Both are the JSON of the database's {@code task_snapshot} function, so a watcher and a
 * reader never see two shapes of one task.
 */
@Component
public class TaskSnapshots {
  private final JdbcClient jdbc;
  private final JsonMapper json;

  TaskSnapshots(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** The task as readers see it now. */
  @Transactional(readOnly = true)
  public Optional<TaskSnapshot> snapshot(String taskId) {
    return jdbc.sql("select task_snapshot(t)::text from task t where t.task_id = :taskId")
        .param("taskId", taskId)
        .query((row, i) -> json.readValue(row.getString(1), TaskSnapshot.class))
        .optional();
  }

  /** The task's changes after the given sequence, oldest first, at most {@code limit}. */
  @Transactional(readOnly = true)
  public List<TaskEvent> eventsAfter(String taskId, long afterSequence, int limit) {
    return jdbc.sql(
            """
            select sequence, at, task::text from task_event
            where task_id = :taskId and sequence > :after order by sequence limit :limit
            """)
        .param("taskId", taskId)
        .param("after", afterSequence)
        .param("limit", limit)
        .query(this::event)
        .list();
  }

  /** The task's last change: the state it is in now. */
  @Transactional(readOnly = true)
  public Optional<TaskEvent> latestEvent(String taskId) {
    return jdbc.sql(
            """
            select sequence, at, task::text from task_event
            where task_id = :taskId order by sequence desc limit 1
            """)
        .param("taskId", taskId)
        .query(this::event)
        .optional();
  }

  private TaskEvent event(ResultSet row, int i) throws SQLException {
    return new TaskEvent(
        row.getLong(1),
        row.getTimestamp(2).toInstant(),
        json.readValue(row.getString(3), TaskSnapshot.class));
  }
}
