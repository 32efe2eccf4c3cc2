package io.algotask.adapters.records;

import io.algotask.adapters.tracing.TraceContext;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every change of a task and of its attempts, and the reads that decide a change. Each write is one
 * statement whose WHERE clause says from which states it may move the row (a compare-and-set), so
 * that concurrent writers (the workflow, the callback endpoint, a retried activity) cannot undo one
 * another: this is what makes a callback count once and a task end once. The database's triggers
 * add the task's events (and their notices) to the same transaction. A method of one statement
 * declares no transaction (the statement is its own): the steps every task takes then pay for no
 * transaction manager and no round trip to commit.
 */
@Component
public class TaskTransitions {

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

  /** How a recorded callback relates to its attempt (contract section 4's 202, 200, 404, 409). */
  public enum CallbackVerdict {
    ACCEPTED,
    REPEATED,
    ATTEMPT_OVER,
    NO_SUCH_ATTEMPT
  }

  /**
   * A recorded callback's verdict and, for the one that decided its attempt, the slot the attempt
   * held: the algorithm is done with it, so it may go to the next waiter at once.
   *
   * @param slotToken the attempt's fencing token when the verdict is ACCEPTED and the attempt's
   *     invocation had been accepted (2xx), so that no send of it can follow; else null, and the
   *     workflow releases the slot once a send still under way has stopped
   * @param invokedAt when the decided attempt was first sent; null unless the verdict is ACCEPTED
   * @param traceParent the W3C traceparent of the attempt's first send when it was traced, so that
   *     the callback joins the task's trace; else null
   */
  public record CallbackDecision(
      CallbackVerdict verdict,
      String algorithm,
      String slotToken,
      Instant invokedAt,
      String traceParent) {
    public CallbackDecision(CallbackVerdict verdict, String algorithm, String slotToken) {
      this(verdict, algorithm, slotToken, null, null);
    }

    static CallbackDecision undecided(CallbackVerdict verdict) {
      return new CallbackDecision(verdict, null, null, null, null);
    }
  }

  /** How a progress report relates to its attempt: the answers of contract section 4. */
  public enum ProgressVerdict {
    ACCEPTED,
    ATTEMPT_OVER,
    NO_SUCH_ATTEMPT
  }

  private final JdbcClient jdbc;

  TaskTransitions(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Records a task unless its taskId is known already; true when this call recorded it. */
  @Transactional
  public boolean insertIfAbsent(NewTask task) {
    return insertIfAbsent(List.of(task)).contains(task.taskId());
  }

  /**
   * Records the tasks in one statement, each unless its taskId is known already (a taskId twice in
   * the list: the first stands). Returns the taskIds this call recorded.
   */
  @Transactional
  public Set<String> insertIfAbsent(List<NewTask> tasks) {
    if (tasks.isEmpty()) {
      return Set.of();
    }
    var rows = new StringJoiner(",\n");
    for (var i = 0; i < tasks.size(); i++) {
      rows.add(
          """
          (:taskId%1$d, :algorithm%1$d, :tenant%1$d, :priority%1$d, :status%1$d, :replyTopic%1$d,
           cast(:request%1$d as jsonb), :errorCode%1$d, :errorMessage%1$d, :submittedAt%1$d,
           :finishedAt%1$d, :resultEventId%1$d, :submittedAt%1$d)"""
              .formatted(i));
    }
    var statement =
        jdbc.sql(
            """
            insert into task (task_id, algorithm, tenant, priority, status, reply_topic, request,
                              error_code, error_message, submitted_at, finished_at,
                              result_event_id, updated_at)
            values %s
            on conflict (task_id) do nothing
            returning task_id
            """
                .formatted(rows));
    for (var i = 0; i < tasks.size(); i++) {
      var task = tasks.get(i);
      statement
          .param("taskId" + i, task.taskId())
          .param("algorithm" + i, task.algorithm())
          .param("tenant" + i, task.tenant())
          .param("priority" + i, task.priority())
          .param("status" + i, task.status().name())
          .param("replyTopic" + i, task.replyTopic())
          .param("request" + i, task.requestJson())
          .param("errorCode" + i, nameOf(task.errorCode()))
          .param("errorMessage" + i, task.errorMessage())
          .param("submittedAt" + i, timestamp(task.submittedAt()))
          .param(
              "finishedAt" + i, task.status().isTerminal() ? timestamp(task.submittedAt()) : null)
          .param("resultEventId" + i, task.resultEventId());
    }
    return new HashSet<>(statement.query(String.class).list());
  }

  /** The task waits for a slot (first, or again after an attempt): unless it has ended. */
  public void markQueued(String taskId) {
    jdbc.sql(
            """
            update task set status = 'QUEUED', updated_at = now()
            where task_id = :taskId and status in ('ACCEPTED', 'RUNNING')
            """)
        .param("taskId", taskId)
        .update();
  }

  /**
   * What recording an attempt's send found, read in the same statement: everything a send needs.
   *
   * @param taskStarted whether the task was found not ended and is now recorded as running; when
   *     false, the attempt was not recorded by this call (its task had ended)
   * @param taskStatus the task's status: RUNNING when started, else as found (an end committed
   *     while this statement waited for the row is not seen here, but taskStarted is false)
   * @param requestJson the task's accepted request
   * @param attempt the attempt as recorded, with its task's status; null when it is not recorded,
   *     or was recorded by a concurrent send whose row this statement could not see
   * @param submittedAt when the task was submitted
   * @param firstSend whether this call recorded the attempt: true once per attempt
   */
  public record StartedAttempt(
      boolean taskStarted,
      TaskStatus taskStatus,
      String requestJson,
      AttemptState attempt,
      Instant submittedAt,
      boolean firstSend) {}

  /**
   * Records an attempt as being sent (once, however often it is sent) and the task as running,
   * unless the task has ended, and reads back what a send needs, in one statement. A repeated call
   * changes nothing but the task's progress of an earlier attempt, and finds the deadline and the
   * time of the first send as that first call recorded them.
   *
   * @param deadline the attempt's deadline if this is its first send
   * @return empty when there is no such task
   */
  public Optional<StartedAttempt> startAttempt(
      String taskId, int attempt, String slotToken, Instant deadline) {
    // The update locks the task's row and moves it only from a state that has not ended; the
    // attempt is recorded only then. The final select sees the rows as they were before this
    // statement, so it takes what the update and the insert return first.
    return jdbc.sql(
            """
            with started as (
              update task set status = 'RUNNING', attempts = greatest(attempts, :attempt),
                     started_at = coalesce(started_at, now()), updated_at = now(),
                     -- progress belongs to one attempt: a new attempt starts without any, and a
                     -- stale retry of an earlier attempt's start keeps the current attempt's
                     progress_attempt = case when progress_attempt = greatest(attempts, :attempt)
                                             then progress_attempt end,
                     progress_percent = case when progress_attempt = greatest(attempts, :attempt)
                                             then progress_percent end,
                     progress_message = case when progress_attempt = greatest(attempts, :attempt)
                                             then progress_message end,
                     progress_at = case when progress_attempt = greatest(attempts, :attempt)
                                        then progress_at end
              where task_id = :taskId and status in ('ACCEPTED', 'QUEUED', 'RUNNING')
              returning status
            ),
            inserted as (
              insert into task_execution (task_id, attempt, status, slot_token, invoked_at,
                                          deadline, trace_parent)
              select :taskId, :attempt, 'INVOKING', :slotToken, now(), :deadline, :traceParent
              from started
              on conflict (task_id, attempt) do nothing
              returning status, invoked_at, deadline
            )
            select s.status is not null, coalesce(s.status, t.status), t.request::text,
                   coalesce(i.status, e.status), coalesce(i.invoked_at, e.invoked_at),
                   coalesce(i.deadline, e.deadline), t.submitted_at, i.status is not null
            from task t
              left join started s on true
              left join inserted i on true
              left join task_execution e on e.task_id = t.task_id and e.attempt = :attempt
            where t.task_id = :taskId
            """)
        .param("taskId", taskId)
        .param("attempt", attempt)
        .param("slotToken", slotToken)
        .param("deadline", timestamp(deadline))
        .param("traceParent", TraceContext.sampledTraceParent())
        .query(
            (row, i) ->
                new StartedAttempt(
                    row.getBoolean(1),
                    TaskStatus.valueOf(row.getString(2)),
                    row.getString(3),
                    row.getString(4) == null
                        ? null
                        : new AttemptState(
                            taskId,
                            attempt,
                            ExecutionStatus.valueOf(row.getString(4)),
                            TaskStatus.valueOf(row.getString(2)),
                            row.getTimestamp(5).toInstant(),
                            row.getTimestamp(6).toInstant()),
                    instant(row.getTimestamp(7)),
                    row.getBoolean(8)))
        .optional();
  }

  /** The attempt as recorded, with its task's status, in one read. */
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

  /** The algorithm accepted the attempt's invocation: it runs until its callback. */
  public void markAccepted(String taskId, int attempt) {
    jdbc.sql(
            """
            update task_execution set status = 'RUNNING', accepted_at = now()
            where task_id = :taskId and attempt = :attempt and status = 'INVOKING'
            """)
        .param("taskId", taskId)
        .param("attempt", attempt)
        .update();
  }

  /** Records a callback that arrives now; see {@link #decideCallback}. */
  public CallbackVerdict recordCallback(
      String taskId, int attempt, ExecutionStatus status, String callbackJson) {
    return recordCallback(taskId, attempt, status, callbackJson, Instant.now());
  }

  /** Records a callback; see {@link #decideCallback}. */
  public CallbackVerdict recordCallback(
      String taskId, int attempt, ExecutionStatus status, String callbackJson, Instant arrivedAt) {
    return decideCallback(taskId, attempt, status, callbackJson, arrivedAt).verdict();
  }

  /**
   * Records a callback with a compare-and-set on its attempt's row, only for a callback that
   * arrived by the attempt's deadline: an attempt is over at its deadline whether or not the
   * workflow has closed it yet. A callback that finds the attempt decided by the same outcome
   * already is counted on the task as repeated, one that finds the attempt over otherwise (closed,
   * or arrived after its deadline) as late; either changes nothing else.
   *
   * <p>Each statement commits on its own: the compare-and-set is one statement, so the callback
   * that decides its attempt costs one round trip, and it returns the slot the attempt held (see
   * {@link CallbackDecision#slotToken}).
   *
   * @param arrivedAt when the callback arrived: its processing may take a while under load
   */
  public CallbackDecision decideCallback(
      String taskId, int attempt, ExecutionStatus status, String callbackJson, Instant arrivedAt) {
    var decided =
        jdbc.sql(
                """
                update task_execution e set status = :status, callback = cast(:callback as jsonb),
                       finished_at = now()
                from task t
                where e.task_id = :taskId and e.attempt = :attempt
                  and e.status in ('INVOKING', 'RUNNING') and :arrivedAt <= e.deadline
                  and t.task_id = e.task_id
                returning t.algorithm,
                          case when e.accepted_at is not null then e.slot_token end,
                          e.invoked_at,
                          e.trace_parent
                """)
            .param("taskId", taskId)
            .param("attempt", attempt)
            .param("status", status.name())
            .param("callback", callbackJson)
            .param("arrivedAt", timestamp(arrivedAt))
            .query(
                (row, i) ->
                    new CallbackDecision(
                        CallbackVerdict.ACCEPTED,
                        row.getString(1),
                        row.getString(2),
                        instant(row.getTimestamp(3)),
                        row.getString(4)))
            .optional();
    if (decided.isPresent()) {
      return decided.get();
    }
    var decidedBySame =
        jdbc.sql(
                """
                select status = :status and callback is not null from task_execution
                where task_id = :taskId and attempt = :attempt
                """)
            .param("taskId", taskId)
            .param("attempt", attempt)
            .param("status", status.name())
            .query(Boolean.class)
            .optional();
    if (decidedBySame.isEmpty()) {
      return CallbackDecision.undecided(CallbackVerdict.NO_SUCH_ATTEMPT);
    }
    var repeated = decidedBySame.get();
    // a count is no watched column: it adds no event
    jdbc.sql(
            """
            update task set repeated_callbacks = repeated_callbacks + case when :repeated then 1 else 0 end,
                   late_callbacks = late_callbacks + case when :repeated then 0 else 1 end,
                   updated_at = now()
            where task_id = :taskId
            """)
        .param("taskId", taskId)
        .param("repeated", repeated)
        .update();
    return CallbackDecision.undecided(
        repeated ? CallbackVerdict.REPEATED : CallbackVerdict.ATTEMPT_OVER);
  }

  /** The tenant of a task, if it is recorded: one statement, as the callback needs it. */
  public Optional<String> tenantOf(String taskId) {
    return jdbc.sql("select tenant from task where task_id = :taskId")
        .param("taskId", taskId)
        .query(String.class)
        .optional();
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

  /** Notes that Temporal accepted the signal of the attempt's callback; one statement. */
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
   * Records what the algorithm reports of a running attempt, on the task itself: a later report
   * replaces an earlier one. A report for an attempt that is over changes nothing.
   */
  @Transactional
  public ProgressVerdict recordProgress(
      String taskId, int attempt, Integer percent, String message) {
    var recorded =
        jdbc.sql(
                """
                update task t set progress_attempt = :attempt, progress_percent = :percent,
                       progress_message = :message, progress_at = now(), updated_at = now()
                from task_execution e
                where t.task_id = :taskId and t.status = 'RUNNING' and t.attempts = :attempt
                  and e.task_id = t.task_id and e.attempt = :attempt
                  and e.status in ('INVOKING', 'RUNNING')
                """)
            .param("taskId", taskId)
            .param("attempt", attempt)
            .param("percent", percent)
            .param("message", message)
            .update();
    if (recorded == 1) {
      return ProgressVerdict.ACCEPTED;
    }
    return attemptRecorded(taskId, attempt)
        ? ProgressVerdict.ATTEMPT_OVER
        : ProgressVerdict.NO_SUCH_ATTEMPT;
  }

  private boolean attemptRecorded(String taskId, int attempt) {
    return jdbc.sql(
            "select exists (select 1 from task_execution where task_id = :taskId and attempt = :attempt)")
        .param("taskId", taskId)
        .param("attempt", attempt)
        .query(Boolean.class)
        .single();
  }

  /**
   * Closes an attempt on the workflow's side (timeout, refusal, never accepted, cancel) with the
   * same compare-and-set as the callback. Returns the callback JSON that won the row before, if
   * any.
   */
  @Transactional
  public Optional<String> closeAttempt(String taskId, int attempt, ExecutionStatus end) {
    var closed =
        jdbc.sql(
                """
                update task_execution set status = :status, callback = null, finished_at = now()
                where task_id = :taskId and attempt = :attempt
                  and status in ('INVOKING', 'RUNNING')
                """)
            .param("taskId", taskId)
            .param("attempt", attempt)
            .param("status", end.name())
            .update();
    if (closed == 1) {
      return Optional.empty();
    }
    return jdbc
        .sql(
            "select callback::text from task_execution where task_id = :taskId and attempt = :attempt")
        .param("taskId", taskId)
        .param("attempt", attempt)
        .query(String.class)
        .list()
        .stream()
        .filter(Objects::nonNull)
        .findFirst();
  }

  /** The task's algorithm, or empty when there is no such task. */
  @Transactional(readOnly = true)
  public Optional<String> algorithmOf(String taskId) {
    return jdbc.sql("select algorithm from task where task_id = :taskId")
        .param("taskId", taskId)
        .query(String.class)
        .optional();
  }

  /** The columns of a {@link ResultRecord}, in the order {@link #resultRecord} reads them. */
  private static final String RESULT_COLUMNS =
      """
      task_id, algorithm, tenant, status, attempts, reply_topic, output::text, error_code,
      error_message, submitted_at, started_at, finished_at, result_event_id, result_published_at,
      (request -> 'metadata')::text,
      (select max(e.finished_at) from task_execution e
       where e.task_id = task.task_id and e.callback is not null)
      """;

  /**
   * Records how the task ended, unless it has ended before (a retried end changes nothing), and
   * returns the task as recorded now, for its result: in one statement.
   *
   * @return empty when there is no such task; a task that another writer ends while this statement
   *     waits for its row is returned as this statement found it, not ended
   */
  public Optional<ResultRecord> recordEnd(
      String taskId,
      TaskStatus status,
      int attempts,
      ErrorCode errorCode,
      String errorMessage,
      String outputJson,
      String eventId) {
    // the final select sees the row as it was before this statement: the update's own comes first
    return jdbc.sql(
            """
            with ended as (
              update task set status = :status, attempts = :attempts, error_code = :errorCode,
                     error_message = :errorMessage, output = cast(:output as jsonb),
                     result_event_id = :eventId, finished_at = now(), updated_at = now()
              where task_id = :taskId and status in ('ACCEPTED', 'QUEUED', 'RUNNING')
              returning %1$s
            )
            select * from ended
            union all
            select %1$s from task where task_id = :taskId and not exists (select from ended)
            """
                .formatted(RESULT_COLUMNS))
        .param("taskId", taskId)
        .param("status", status.name())
        .param("attempts", attempts)
        .param("errorCode", nameOf(errorCode))
        .param("errorMessage", errorMessage)
        .param("output", outputJson)
        .param("eventId", eventId)
        .query(TaskTransitions::resultRecord)
        .optional();
  }

  /** The task as its result reports it. */
  public Optional<ResultRecord> resultRecord(String taskId) {
    return jdbc.sql("select " + RESULT_COLUMNS + " from task where task_id = :taskId")
        .param("taskId", taskId)
        .query(TaskTransitions::resultRecord)
        .optional();
  }

  private static ResultRecord resultRecord(ResultSet row, int rowNumber) throws SQLException {
    return new ResultRecord(
        row.getString(1),
        row.getString(2),
        row.getString(3),
        TaskStatus.valueOf(row.getString(4)),
        row.getInt(5),
        row.getString(6),
        row.getString(7),
        row.getString(8),
        row.getString(9),
        instant(row.getTimestamp(10)),
        instant(row.getTimestamp(11)),
        instant(row.getTimestamp(12)),
        row.getString(13),
        instant(row.getTimestamp(14)),
        row.getString(15),
        instant(row.getTimestamp(16)));
  }

  /** Notes that the task's result is on its reply topic; true the first time. */
  public boolean markResultPublished(String taskId) {
    return jdbc.sql(
                """
                update task set result_published_at = now(), updated_at = now()
                where task_id = :taskId and result_published_at is null
                """)
            .param("taskId", taskId)
            .update()
        == 1;
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static String nameOf(ErrorCode code) {
    return code == null ? null : code.name();
  }

  /** An instant bound as timestamptz, to the microsecond PostgreSQL keeps. */
  private static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
