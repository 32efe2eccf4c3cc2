package io.algotask.adapters.records;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One attempt of a task, its row as it is (JPA entity, read through {@link TaskExecutionRecords}).
 * Immutable here: every write is a guarded statement of {@link TaskTransitions}.
 */
@Entity
@Immutable
@Table(name = "task_execution")
public class TaskExecutionRecord {

  /** The row's key: a task's attempt. */
  @Embeddable
  public record Key(@Column(name = "task_id") String taskId, int attempt) implements Serializable {}

  @EmbeddedId private Key key;
  private String status;

  @Column(name = "slot_token")
  private String slotToken;

  @Column(name = "invoked_at")
  private Instant invokedAt;

  @Column(name = "accepted_at")
  private Instant acceptedAt;

  private Instant deadline;

  @Column(name = "finished_at")
  private Instant finishedAt;

  @JdbcTypeCode(SqlTypes.JSON)
  private String callback;

  protected TaskExecutionRecord() {}

  public String taskId() {
    return key.taskId();
  }

  public int attempt() {
    return key.attempt();
  }

  public ExecutionStatus status() {
    return ExecutionStatus.valueOf(status);
  }

  public String slotToken() {
    return slotToken;
  }

  public Instant invokedAt() {
    return invokedAt;
  }

  public Instant acceptedAt() {
    return acceptedAt;
  }

  public Instant deadline() {
    return deadline;
  }

  public Instant finishedAt() {
    return finishedAt;
  }

  /** The callback that decided the attempt, as JSON, or null. */
  public String callback() {
    return callback;
  }
}
