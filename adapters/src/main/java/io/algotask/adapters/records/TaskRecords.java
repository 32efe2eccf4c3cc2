package io.algotask.adapters.records;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Task rows as they are, read through JPA. Read only: every write is a guarded statement of {@link
 * TaskTransitions}.
 */
@Transactional(readOnly = true)
public interface TaskRecords extends Repository<TaskRecord, String> {

  Optional<TaskRecord> findById(String taskId);

  boolean existsById(String taskId);

  /**
   * Tasks recorded as ACCEPTED before the cutoff and after a place in their order, oldest first:
   * their workflow should have moved them on long ago, unless its start failed after the record was
   * written. Going on from the last one seen, a sweep reaches every such task, however many stay
   * ACCEPTED because their workflows wait for a worker.
   */
  @Query(
      """
      select new io.algotask.adapters.records.AcceptedTask(t.taskId, t.submittedAt)
      from TaskRecord t
      where t.status = 'ACCEPTED' and t.submittedAt < :cutoff
        and (t.submittedAt > :afterSubmittedAt
             or (t.submittedAt = :afterSubmittedAt and t.taskId > :afterTaskId))
      order by t.submittedAt, t.taskId
      """)
  List<AcceptedTask> acceptedBefore(
      Instant cutoff, Instant afterSubmittedAt, String afterTaskId, Limit limit);
}
