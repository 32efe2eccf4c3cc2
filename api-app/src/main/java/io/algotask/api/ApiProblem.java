package io.algotask.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refused call, said once and answered by each door in its own terms: an HTTP status with
 * application/problem+json, or a gRPC status with details.
 *
 * @see io.algotask.api.http.ProblemResponses
 * @see io.algotask.api.grpc.GrpcProblems
 */
public class ApiProblem extends RuntimeException {

  /** What kind of refusal, with its HTTP status. */
  public enum Kind {
    INVALID(400, "Invalid request"),
    UNAUTHENTICATED(401, "Unauthenticated"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not found"),
    CONFLICT(409, "Conflict"),
    CONTENT_TOO_LARGE(413, "Content too large");

    private final int httpStatus;
    private final String title;

    Kind(int httpStatus, String title) {
      this.httpStatus = httpStatus;
      this.title = title;
    }

    public int httpStatus() {
      return httpStatus;
    }

    public String title() {
      return title;
    }
  }

  private final Kind kind;
  private final String code;
  private final String field;
  private final Map<String, String> properties = new LinkedHashMap<>();

  /**
   * @param code a stable, machine-readable reason (an error code of contract section 2, or
   *     UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, TASK_OVER, TASK_ID_TAKEN, ATTEMPT_OVER,
   *     CONTENT_TOO_LARGE); the HTTP door names its problem type after it
   * @param field the request field whose rule is broken, or null
   * @param detail what is wrong, for a human
   */
  public ApiProblem(Kind kind, String code, String field, String detail) {
    super(detail, null, false, false);
    this.kind = kind;
    this.code = code;
    this.field = field;
  }

  public static ApiProblem notFound(String taskId) {
    return new ApiProblem(Kind.NOT_FOUND, "NOT_FOUND", null, "no task " + taskId);
  }

  /** Adds a fact the caller can act on, e.g. the status of a task that is over. */
  public ApiProblem with(String name, String value) {
    properties.put(name, value);
    return this;
  }

  public Map<String, String> properties() {
    return Collections.unmodifiableMap(properties);
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }
}
