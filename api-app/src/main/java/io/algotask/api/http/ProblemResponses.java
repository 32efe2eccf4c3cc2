package io.algotask.api.http;

import io.algotask.adapters.registry.InvalidAlgorithmException;
import io.algotask.api.ApiProblem;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Refusals of the HTTP API as application/problem+json (RFC 9457), with a machine-readable {@code
 * code} and, for a broken rule, the {@code field}.
 */
@RestControllerAdvice(basePackageClasses = ProblemResponses.class)
public class ProblemResponses {
  static final String TYPE_PREFIX = "https://algotask.io/problems/";

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<ProblemDetail> refused(ApiProblem problem) {
    var detail = detailOf(problem);
    return ResponseEntity.status(detail.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(detail);
  }

  /** The refusal as the body of its answer; for refusals answered before any controller. */
  public static ProblemDetail detailOf(ApiProblem problem) {
    var detail =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.valueOf(problem.kind().httpStatus()), problem.getMessage());
    detail.setTitle(problem.kind().title());
    detail.setType(URI.create(TYPE_PREFIX + problem.code().toLowerCase().replace('_', '-')));
    detail.setProperty("code", problem.code());
    if (problem.field() != null) {
      detail.setProperty("field", problem.field());
    }
    problem.properties().forEach(detail::setProperty);
    return detail;
  }

  /** Names the field of the first rule broken, as task requests do ("field: rule"). */
  @ExceptionHandler(InvalidAlgorithmException.class)
  ResponseEntity<ProblemDetail> invalidAlgorithm(InvalidAlgorithmException e) {
    var first = e.broken().isEmpty() ? "" : e.broken().get(0);
    var colon = first.indexOf(':');
    return refused(
        new ApiProblem(
            ApiProblem.Kind.INVALID,
            "INVALID_REQUEST",
            colon > 0 ? first.substring(0, colon) : null,
            e.getMessage()));
  }
}
