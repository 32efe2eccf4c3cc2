package io.algotask.adapters.records;

import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task and execution records. Each write is a single guarded statement, so that concurrent
 * writers (the workflow, the callback endpoint, a retried activity) cannot undo one another.
 */
@Component
public class TaskStore {

  /** How a recorded callback relates to its attempt (contract section 4's 202, 200, 404, 409). */
  public enum CallbackVerdict {
    ACCEPTED,
    REPEATED,
    ATTEMPT_OVER,
    NO_SUCH_ATTEMPT
  }

  /** A task as first recorded. For a task rejected at intake, status is REJECTED with an error. */
  public record NewTask(
      String taskId,
      String algorithm,
      String tenant,
      int priority,
      TaskStatus status,
      String replyTopic,
      String requestJson,
      ErrorCode errorCode,
      String errorMessage,
      Instant submittedAt,
      String resultEventId) {}

  /**
   * A task not over yet, as the reconciler needs it to rebuild the slots: with the slot token and
   * deadline of its current attempt while that attempt is open, so it is a holder, else a waiter.
   */
  public record OpenTask(
      String taskId,
      int priority,
      Instant submittedAt,
      int executionTimeoutSeconds,
      String slotToken,
      Instant deadline) {
    public boolean holdsSlot() {
      return slotToken != null;
    }
  }

  /** How a progress report relates to its attempt: the answers of contract section 4. */
  public enum ProgressVerdict {
    ACCEPTED,
    ATTEMPT_OVER,
    NO_SUCH_ATTEMPT
  }

  private final TaskRecords tasks;
  private final TaskExecutionRecords executions;
  private final JdbcClient jdbc;
  private final JsonMapper json;

  TaskStore(TaskRecords tasks, TaskExecutionRecords executions, JdbcClient jdbc, JsonMapper json) {
    this.tasks = tasks;
    this.executions = executions;
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

  /**
   * Records what the algorithm reports of a running attempt, on the task itself: a later report
   * replaces an earlier one. A report for an attempt that is over changes nothing.
   */
  @Transactional
  public ProgressVerdict recordProgress(
      String taskId, int attempt, Integer percent, String message) {
    if (tasks.recordProgress(taskId, attempt, percent, message) == 1) {
      return ProgressVerdict.ACCEPTED;
    }
    return executions.existsById(new TaskExecutionRecord.Key(taskId, attempt))
        ? ProgressVerdict.ATTEMPT_OVER
        : ProgressVerdict.NO_SUCH_ATTEMPT;
  }

  /** The algorithm's tasks that wait for a slot or run, oldest first. */
  @Transactional(readOnly = true)
  public List<OpenTask> openTasks(String algorithm) {
    return jdbc.sql(
            """
            select t.task_id, t.priority, t.submitted_at,
                   (t.request ->> 'executionTimeoutSeconds')::int as execution_timeout_seconds,
                   case when e.status in ('INVOKING', 'RUNNING') then e.slot_token end as slot_token,
                   case when e.status in ('INVOKING', 'RUNNING') then e.deadline end as deadline
            from task t
            left join task_execution e on e.task_id = t.task_id and e.attempt = t.attempts
            where t.algorithm = :algorithm and t.status in ('QUEUED', 'RUNNING')
            order by t.submitted_at
            """)
        .param("algorithm", algorithm)
        .query(
            (row, i) ->
                new OpenTask(
                    row.getString("task_id"),
                    row.getInt("priority"),
                    row.getTimestamp("submitted_at").toInstant(),
                    row.getInt("execution_timeout_seconds"),
                    row.getString("slot_token"),
                    row.getTimestamp("deadline") == null
                        ? null
                        : row.getTimestamp("deadline").toInstant()))
        .list();
  }

  /**
   * Tasks recorded as ACCEPTED before the cutoff, oldest first: their workflow should have moved
   * them on long ago, unless its start failed after the record was written.
   */
  @Transactional(readOnly = true)
  public List<String> acceptedBefore(Instant cutoff, int limit) {
    return jdbc.sql(
            """
            select task_id from task
            where status = 'ACCEPTED' and submitted_at < :cutoff
            order by submitted_at limit :limit
            """)
        .param("cutoff", java.sql.Timestamp.from(cutoff))
        .param("limit", limit)
        .query(String.class)
        .list();
  }

  /** Records a task unless its taskId is known already; true when this call recorded it. */
  @Transactional
  public boolean insertIfAbsent(NewTask task) {
    return tasks.insertIfAbsent(
            task.taskId(),
            task.algorithm(),
            task.tenant(),
            task.priority(),
            task.status().name(),
            task.replyTopic(),
            task.requestJson(),
            task.errorCode() == null ? null : task.errorCode().name(),
            task.errorMessage(),
            task.submittedAt(),
            task.status().isTerminal() ? task.submittedAt() : null,
            task.resultEventId())
        == 1;
  }

  @Transactional(readOnly = true)
  public Optional<TaskRecord> find(String taskId) {
    return tasks.findById(taskId);
  }

  @Transactional(readOnly = true)
  public Optional<TaskExecutionRecord> findExecution(String taskId, int attempt) {
    return executions.findById(new TaskExecutionRecord.Key(taskId, attempt));
  }

  @Transactional
  public void markQueued(String taskId) {
    tasks.markQueued(taskId);
  }

  /**
   * Records an attempt as being sent (once, however often it is sent) and the task as running.
   *
   * @param deadline the attempt's deadline if this is its first send
   * @return the deadline recorded by its first send
   */
  @Transactional
  public Instant startAttempt(String taskId, int attempt, String slotToken, Instant deadline) {
    var recorded = executions.insertIfAbsent(taskId, attempt, slotToken, deadline);
    tasks.markRunning(taskId, attempt);
    return recorded;
  }

  /**
   * An attempt as recorded, with its task's status: what a send checks right before it goes out.
   *
   * @param invokedAt when its first send recorded it
   */
  public record AttemptState(
      String taskId,
      int attempt,
      ExecutionStatus status,
      TaskStatus taskStatus,
      Instant invokedAt,
      Instant deadline) {

    /** Whether the attempt may still be sent: it is open and its task has not ended. */
    public boolean sendable() {
      return status.isOpen() && !taskStatus.isTerminal();
    }
  }

  public Optional<AttemptState> attemptState(String taskId, int attempt) {
    return jdbc.sql(
            """
            select e.status, t.status, e.invoked_at, e.deadline
            from task_execution e join task t on t.task_id = e.task_id
            where e.task_id = :taskId and e.attempt = :attempt
            """)
        .param("taskId", taskId)
        .param("attempt", attempt)
        .query(
            (row, i) ->
                new AttemptState(
                    taskId,
                    attempt,
                    ExecutionStatus.valueOf(row.getString(1)),
                    TaskStatus.valueOf(row.getString(2)),
                    row.getTimestamp(3).toInstant(),
                    row.getTimestamp(4).toInstant()))
        .optional();
  }

  @Transactional
  public void markAccepted(String taskId, int attempt) {
    executions.markAccepted(taskId, attempt);
  }

  /** Records a callback that arrives now; see the overload. */
  @Transactional
  public CallbackVerdict recordCallback(
      String taskId, int attempt, ExecutionStatus status, String callbackJson) {
    return recordCallback(taskId, attempt, status, callbackJson, Instant.now());
  }

  /**
   * Records a callback with a compare-and-set on its attempt's row. A callback that finds the
   * attempt decided by the same outcome already is counted on the task as repeated, one that finds
   * the attempt over otherwise (closed, or arrived after its deadline although the workflow has not
   * closed it yet) as late; either changes nothing else.
   *
   * @param arrivedAt when the callback arrived: its processing may take a while under load
   */
  @Transactional
  public CallbackVerdict recordCallback(
      String taskId, int attempt, ExecutionStatus status, String callbackJson, Instant arrivedAt) {
    if (executions.closeByDeadline(taskId, attempt, status.name(), callbackJson, arrivedAt) == 1) {
      return CallbackVerdict.ACCEPTED;
    }
    var execution = executions.findById(new TaskExecutionRecord.Key(taskId, attempt));
    if (execution.isEmpty()) {
      return CallbackVerdict.NO_SUCH_ATTEMPT;
    }
    if (execution.get().status() == status && execution.get().callback() != null) {
      tasks.countRepeatedCallback(taskId);
      return CallbackVerdict.REPEATED;
    }
    tasks.countLateCallback(taskId);
    return CallbackVerdict.ATTEMPT_OVER;
  }

  /**
   * Whether the workflow may not have the attempt's callback yet: no signal of it was accepted by
   * Temporal. A repeated callback signals again only then.
   */
  @Transactional(readOnly = true)
  public boolean callbackSignalPending(String taskId, int attempt) {
    return jdbc.sql(
                """
            select count(*) from task_execution
            where task_id = :taskId and attempt = :attempt and callback_signalled_at is null
            """)
            .param("taskId", taskId)
            .param("attempt", attempt)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Notes that Temporal accepted the signal of the attempt's callback. */
  @Transactional
  public void markCallbackSignalled(String taskId, int attempt) {
    jdbc.sql(
            """
            update task_execution set callback_signalled_at = now()
            where task_id = :taskId and attempt = :attempt and callback_signalled_at is null
            """)
        .param("taskId", taskId)
        .param("attempt", attempt)
        .update();
  }

  /**
   * Closes an attempt on the workflow's side (timeout, refusal, never accepted) with the same
   * compare-and-set as the callback. Returns the callback JSON that won the row before, if any.
   */
  @Transactional
  public Optional<String> closeAttempt(String taskId, int attempt, ExecutionStatus end) {
    if (executions.close(taskId, attempt, end.name(), null) == 1) {
      return Optional.empty();
    }
    return executions
        .findById(new TaskExecutionRecord.Key(taskId, attempt))
        .map(TaskExecutionRecord::callback);
  }

  /** Records how the task ended, unless it has ended before (a retried finish changes nothing). */
  @Transactional
  public void finish(
      String taskId,
      TaskStatus status,
      int attempts,
      ErrorCode errorCode,
      String errorMessage,
      String outputJson,
      String eventId) {
    tasks.finish(
        taskId,
        status.name(),
        attempts,
        errorCode == null ? null : errorCode.name(),
        errorMessage,
        outputJson,
        eventId);
  }

  /** Notes that the task's result is on its reply topic; true the first time. */
  @Transactional
  public boolean markResultPublished(String taskId) {
    return tasks.markResultPublished(taskId) == 1;
  }
}
