package io.algotask.adapters.records;

import java.util.Optional;
import org.springframework.data.repository.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Attempt rows as they are, read through JPA. Read only: every write is a guarded statement of
 * {@link TaskTransitions}.
 */
@Transactional(readOnly = true)
public interface TaskExecutionRecords
    extends Repository<TaskExecutionRecord, TaskExecutionRecord.Key> {

  Optional<TaskExecutionRecord> findById(TaskExecutionRecord.Key key);

  /** The task's attempt as recorded by its first send. */
  default Optional<TaskExecutionRecord> findAttempt(String taskId, int attempt) {
    return findById(new TaskExecutionRecord.Key(taskId, attempt));
  }
}
