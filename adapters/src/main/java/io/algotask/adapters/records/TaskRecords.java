package io.algotask.adapters.records;

import java.time.Instant;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Task rows. Every write is one statement that says which states it may change. */
interface TaskRecords extends JpaRepository<TaskRecord, String> {

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          """
          insert into task (task_id, algorithm, tenant, priority, status, reply_topic, request,
                            error_code, error_message, submitted_at, finished_at, result_event_id,
                            updated_at)
          values (:taskId, :algorithm, :tenant, :priority, :status, :replyTopic, cast(:request as jsonb),
                  :errorCode, :errorMessage, :submittedAt, :finishedAt, :resultEventId, :submittedAt)
          on conflict (task_id) do nothing
          """)
  int insertIfAbsent(
      @Param("taskId") String taskId,
      @Param("algorithm") String algorithm,
      @Param("tenant") String tenant,
      @Param("priority") int priority,
      @Param("status") String status,
      @Param("replyTopic") String replyTopic,
      @Param("request") String request,
      @Param("errorCode") String errorCode,
      @Param("errorMessage") String errorMessage,
      @Param("submittedAt") Instant submittedAt,
      @Param("finishedAt") Instant finishedAt,
      @Param("resultEventId") String resultEventId);

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          """
          update task set status = 'QUEUED', updated_at = now()
          where task_id = :taskId and status in ('ACCEPTED', 'RUNNING')
          """)
  int markQueued(@Param("taskId") String taskId);

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          """
          update task set status = 'RUNNING', attempts = greatest(attempts, :attempt),
                 started_at = coalesce(started_at, now()), updated_at = now(),
                 -- progress belongs to one attempt: a new attempt starts without any, and a stale
                 -- retry of an earlier attempt's start keeps the current attempt's
                 progress_attempt = case when progress_attempt = greatest(attempts, :attempt)
                                         then progress_attempt end,
                 progress_percent = case when progress_attempt = greatest(attempts, :attempt)
                                         then progress_percent end,
                 progress_message = case when progress_attempt = greatest(attempts, :attempt)
                                         then progress_message end,
                 progress_at = case when progress_attempt = greatest(attempts, :attempt)
                                    then progress_at end
          where task_id = :taskId and status in ('ACCEPTED', 'QUEUED', 'RUNNING')
          """)
  int markRunning(@Param("taskId") String taskId, @Param("attempt") int attempt);

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          """
          update task set status = :status, attempts = :attempts, error_code = :errorCode,
                 error_message = :errorMessage, output = cast(:output as jsonb),
                 result_event_id = :eventId, finished_at = now(), updated_at = now()
          where task_id = :taskId and status in ('ACCEPTED', 'QUEUED', 'RUNNING')
          """)
  int finish(
      @Param("taskId") String taskId,
      @Param("status") String status,
      @Param("attempts") int attempts,
      @Param("errorCode") String errorCode,
      @Param("errorMessage") String errorMessage,
      @Param("output") String output,
      @Param("eventId") String eventId);

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          """
          update task set result_published_at = now(), updated_at = now()
          where task_id = :taskId and result_published_at is null
          """)
  int markResultPublished(@Param("taskId") String taskId);

  /** Sets the progress of a running attempt; nothing when that attempt is over. */
  @Modifying
  @Query(
      nativeQuery = true,
      value =
          """
          update task t set progress_attempt = :attempt, progress_percent = :percent,
                 progress_message = :message, progress_at = now(), updated_at = now()
          from task_execution e
          where t.task_id = :taskId and t.status = 'RUNNING' and t.attempts = :attempt
            and e.task_id = t.task_id and e.attempt = :attempt
            and e.status in ('INVOKING', 'RUNNING')
          """)
  int recordProgress(
      @Param("taskId") String taskId,
      @Param("attempt") int attempt,
      @Param("percent") Integer percent,
      @Param("message") String message);

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          "update task set late_callbacks = late_callbacks + 1, updated_at = now() where task_id = :taskId")
  int countLateCallback(@Param("taskId") String taskId);

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          "update task set repeated_callbacks = repeated_callbacks + 1, updated_at = now() where task_id = :taskId")
  int countRepeatedCallback(@Param("taskId") String taskId);
}
