package io.algotask.client;

import java.util.Map;

/**
 * A call Algotask refused (contract sections 5 and 6): read from an HTTP problem+json answer or
 * from a gRPC status and its details, so both doors throw the same.
 */
public class AlgotaskApiException extends AlgotaskException {
  private final int httpStatus;
  private final String code;
  private final String field;
  private final Map<String, String> properties;

  /**
   * @param httpStatus the HTTP status, or its equivalent for a gRPC status (contract section 6)
   * @param code the machine-readable reason: {@code INVALID_REQUEST}, {@code UNKNOWN_ALGORITHM},
   *     {@code UNAUTHENTICATED}, {@code FORBIDDEN}, {@code NOT_FOUND}, {@code TASK_OVER}, {@code
   *     TASK_ID_TAKEN} or {@code CONTENT_TOO_LARGE}
   * @param field the request field whose rule is broken, or null
   * @param detail what is wrong, for a human
   * @param properties further facts (e.g. {@code taskStatus} of a task that is over)
   */
  public AlgotaskApiException(
      int httpStatus, String code, String field, String detail, Map<String, String> properties) {
    super(code + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    this.httpStatus = httpStatus;
    this.code = code;
    this.field = field;
    this.properties = Map.copyOf(properties);
  }

  /** The refusal, as the subclass of its kind. */
  static AlgotaskApiException of(
      int httpStatus, String code, String field, String detail, Map<String, String> properties) {
    if ("INVALID_REQUEST".equals(code) || "UNKNOWN_ALGORITHM".equals(code)) {
      return new InvalidTaskException(httpStatus, code, field, detail, properties);
    }
    if ("NOT_FOUND".equals(code)) {
      return new TaskNotFoundException(httpStatus, code, field, detail, properties);
    }
    if ("TASK_OVER".equals(code)) {
      return new TaskOverException(httpStatus, code, field, detail, properties);
    }
    return new AlgotaskApiException(httpStatus, code, field, detail, properties);
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String code() {
    return code;
  }

  /** The request field whose rule is broken, or null. */
  public String field() {
    return field;
  }

  /** What is wrong, for a human: for a broken rule, "field: what it must be". */
  public String detail() {
    var message = getMessage();
    return message.length() > code.length() ? message.substring(code.length() + 2) : "";
  }

  public Map<String, String> properties() {
    return properties;
  }

  /**
   * A request that broke a rule of contract section 1 ({@code INVALID_REQUEST}, {@code
   * UNKNOWN_ALGORITHM}). Nothing was recorded: the corrected request may be sent again with the
   * same taskId.
   */
  public static class InvalidTaskException extends AlgotaskApiException {
    InvalidTaskException(
        int httpStatus, String code, String field, String detail, Map<String, String> properties) {
      super(httpStatus, code, field, detail, properties);
    }

    /** The broken rule, "field: what it must be". */
    public String rule() {
      return detail();
    }
  }

  /** No such task, or none the client key may see. */
  public static class TaskNotFoundException extends AlgotaskApiException {
    TaskNotFoundException(
        int httpStatus, String code, String field, String detail, Map<String, String> properties) {
      super(httpStatus, code, field, detail, properties);
    }
  }

  /** A cancel of a task that is over already. */
  public static class TaskOverException extends AlgotaskApiException {
    TaskOverException(
        int httpStatus, String code, String field, String detail, Map<String, String> properties) {
      super(httpStatus, code, field, detail, properties);
    }

    /** The status the task ended with. */
    public TaskStatus taskStatus() {
      var status = properties().get("taskStatus");
      return status == null ? null : TaskStatus.valueOf(status);
    }
  }
}
