package io.algotask.adapters.records;

import java.time.Instant;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Execution rows, one per attempt; the close statements are compare-and-sets on the status. */
interface TaskExecutionRecords extends JpaRepository<TaskExecutionRecord, TaskExecutionRecord.Key> {

  /**
   * Records an attempt's first send with its deadline, or finds it recorded by an earlier send.
   *
   * @return the attempt's deadline as recorded: the first send's
   */
  @Query(
      nativeQuery = true,
      value =
          """
          with inserted as (
            insert into task_execution (task_id, attempt, status, slot_token, invoked_at, deadline)
            values (:taskId, :attempt, 'INVOKING', :slotToken, now(), :deadline)
            on conflict (task_id, attempt) do nothing
            returning deadline
          )
          select deadline from inserted
          union all
          select deadline from task_execution where task_id = :taskId and attempt = :attempt
          """)
  Instant insertIfAbsent(
      @Param("taskId") String taskId,
      @Param("attempt") int attempt,
      @Param("slotToken") String slotToken,
      @Param("deadline") Instant deadline);

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          """
          update task_execution set status = 'RUNNING', accepted_at = now()
          where task_id = :taskId and attempt = :attempt and status = 'INVOKING'
          """)
  int markAccepted(@Param("taskId") String taskId, @Param("attempt") int attempt);

  @Modifying
  @Query(
      nativeQuery = true,
      value =
          """
          update task_execution set status = :status, callback = cast(:callback as jsonb),
                 finished_at = now()
          where task_id = :taskId and attempt = :attempt and status in ('INVOKING', 'RUNNING')
          """)
  int close(
      @Param("taskId") String taskId,
      @Param("attempt") int attempt,
      @Param("status") String status,
      @Param("callback") String callback);

  /**
   * The callback's compare-and-set: like {@link #close}, but only for a callback that arrived by
   * the attempt's deadline. An attempt is over at its deadline whether or not the workflow has
   * closed it yet.
   */
  @Modifying
  @Query(
      nativeQuery = true,
      value =
          """
          update task_execution set status = :status, callback = cast(:callback as jsonb),
                 finished_at = now()
          where task_id = :taskId and attempt = :attempt and status in ('INVOKING', 'RUNNING')
            and :arrivedAt <= deadline
          """)
  int closeByDeadline(
      @Param("taskId") String taskId,
      @Param("attempt") int attempt,
      @Param("status") String status,
      @Param("callback") String callback,
      @Param("arrivedAt") Instant arrivedAt);
}
