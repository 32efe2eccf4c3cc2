package io.algotask.adapters.records;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The tasks of an algorithm that are not over yet, as the slot reconciler needs them to rebuild the
 * algorithm's slots from the records.
 */
@Component
public class OpenTasks {

  /**
   * A task not over yet: with the slot token and deadline of its current attempt while that attempt
   * is open, so it is a holder, else a waiter.
   */
  public record OpenTask(
      String taskId,
      String tenant,
      int priority,
      Instant submittedAt,
      int executionTimeoutSeconds,
      String slotToken,
      Instant deadline) {
    public boolean holdsSlot() {
      return slotToken != null;
    }
  }

  private final JdbcClient jdbc;

  OpenTasks(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The algorithm's tasks that wait for a slot or run, oldest first. A running task whose current
   * attempt is decided (its callback came, or its workflow closed it) is neither: its slot was
   * released with that decision, and its workflow either ends the task or asks for a slot again.
   */
  @Transactional(readOnly = true)
  public List<OpenTask> of(String algorithm) {
    return jdbc.sql(
            """
            select t.task_id, t.tenant, t.priority, t.submitted_at,
                   (t.request ->> 'executionTimeoutSeconds')::int as execution_timeout_seconds,
                   case when e.status in ('INVOKING', 'RUNNING') then e.slot_token end as slot_token,
                   case when e.status in ('INVOKING', 'RUNNING') then e.deadline end as deadline
            from task t
            left join task_execution e on e.task_id = t.task_id and e.attempt = t.attempts
            where t.algorithm = :algorithm
              and (t.status = 'QUEUED'
                   or (t.status = 'RUNNING' and e.status in ('INVOKING', 'RUNNING')))
            order by t.submitted_at
            """)
        .param("algorithm", algorithm)
        .query(
            (row, i) ->
                new OpenTask(
                    row.getString("task_id"),
                    row.getString("tenant"),
                    row.getInt("priority"),
                    row.getTimestamp("submitted_at").toInstant(),
                    row.getInt("execution_timeout_seconds"),
                    row.getString("slot_token"),
                    row.getTimestamp("deadline") == null
                        ? null
                        : row.getTimestamp("deadline").toInstant()))
        .list();
  }
}
