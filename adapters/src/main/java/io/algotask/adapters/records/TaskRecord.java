package io.algotask.adapters.records;

import io.algotask.workflows.model.TaskStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The task's row as it is (JPA entity, read through {@link TaskRecords}). Immutable here: every
 * write is a guarded statement of {@link TaskTransitions}.
 */
@Entity
@Immutable
@Table(name = "task")
public class TaskRecord {
  @Id
  @Column(name = "task_id")
  private String taskId;

  private String algorithm;
  private String tenant;
  private int priority;
  private String status;

  @Column(name = "reply_topic")
  private String replyTopic;

  @JdbcTypeCode(SqlTypes.JSON)
  private String request;

  private int attempts;

  @JdbcTypeCode(SqlTypes.JSON)
  private String output;

  @Column(name = "error_code")
  private String errorCode;

  @Column(name = "error_message")
  private String errorMessage;

  @Column(name = "late_callbacks")
  private int lateCallbacks;

  @Column(name = "repeated_callbacks")
  private int repeatedCallbacks;

  @Column(name = "submitted_at")
  private Instant submittedAt;

  @Column(name = "started_at")
  private Instant startedAt;

  @Column(name = "finished_at")
  private Instant finishedAt;

  @Column(name = "result_event_id")
  private String resultEventId;

  @Column(name = "result_published_at")
  private Instant resultPublishedAt;

  @Column(name = "updated_at")
  private Instant updatedAt;

  @Column(name = "progress_attempt")
  private Integer progressAttempt;

  @Column(name = "progress_percent")
  private Integer progressPercent;

  @Column(name = "progress_message")
  private String progressMessage;

  @Column(name = "progress_at")
  private Instant progressAt;

  protected TaskRecord() {}

  public String taskId() {
    return taskId;
  }

  public String algorithm() {
    return algorithm;
  }

  public String tenant() {
    return tenant;
  }

  public int priority() {
    return priority;
  }

  public TaskStatus status() {
    return TaskStatus.valueOf(status);
  }

  public String replyTopic() {
    return replyTopic;
  }

  /** The accepted request as JSON. */
  public String request() {
    return request;
  }

  public int attempts() {
    return attempts;
  }

  public String output() {
    return output;
  }

  public String errorCode() {
    return errorCode;
  }

  public String errorMessage() {
    return errorMessage;
  }

  public int lateCallbacks() {
    return lateCallbacks;
  }

  /** Callbacks that came again for an attempt they had decided already (answered 200). */
  public int repeatedCallbacks() {
    return repeatedCallbacks;
  }

  public Instant submittedAt() {
    return submittedAt;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant finishedAt() {
    return finishedAt;
  }

  public String resultEventId() {
    return resultEventId;
  }

  public Instant resultPublishedAt() {
    return resultPublishedAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  /** The attempt that last reported progress, or null when the running attempt reported none. */
  public Integer progressAttempt() {
    return progressAttempt;
  }

  public Integer progressPercent() {
    return progressPercent;
  }

  public String progressMessage() {
    return progressMessage;
  }

  public Instant progressAt() {
    return progressAt;
  }
}
