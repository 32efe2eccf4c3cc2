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
   * Tasks recorded as ACCEPTED before the cutoff, oldest first: their workflow should have moved
   * them on long ago, unless its start failed after the record was written.
   */
  @Query(
      """
      select t.taskId from TaskRecord t
      where t.status = 'ACCEPTED' and t.submittedAt < :cutoff
      order by t.submittedAt
      """)
  List<String> acceptedBefore(Instant cutoff, Limit limit);
}
