package io.algotask.api.http;

import io.algotask.adapters.registry.InvalidAlgorithmException;
import io.algotask.api.ApiProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every refusal of the HTTP API as application/problem+json (RFC 9457), built here alone: a type of
 * the project's, a machine-readable {@code code} and, for a broken rule, the {@code field}. The
 * controllers' refusals ({@link ApiProblem}), Spring MVC's own (an unreadable or invalid body, a
 * method or media type not served, a path that does not exist) and the request admission's 401 and
 * 413, answered before any controller, all take this one path.
 */
@RestControllerAdvice
public class ProblemResponses extends ResponseEntityExceptionHandler {
  static final String TYPE_PREFIX = "https://algotask.io/problems/";

  private final JsonMapper json;

  ProblemResponses(JsonMapper json) {
    this.json = json;
  }

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<Object> refused(ApiProblem problem) {
    var detail = detailOf(problem);
    return ResponseEntity.status(detail.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(detail);
  }

  /** The refusal as the body of its answer. */
  public static ProblemDetail detailOf(ApiProblem problem) {
    var detail =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.valueOf(problem.kind().httpStatus()), problem.getMessage());
    detail.setTitle(problem.kind().title());
    typed(detail, problem.code());
    if (problem.field() != null) {
      detail.setProperty("field", problem.field());
    }
    problem.properties().forEach(detail::setProperty);
    return detail;
  }

  /** The problem's type and code: the one place that names the project's problem types. */
  private static void typed(ProblemDetail detail, String code) {
    detail.setType(URI.create(TYPE_PREFIX + code.toLowerCase().replace('_', '-')));
    detail.setProperty("code", code);
  }

  /**
   * Answers a refusal before any controller runs, as a controller's refusal would be answered; for
   * the request admission.
   */
  public void write(HttpServletRequest request, HttpServletResponse response, ApiProblem problem)
      throws IOException {
    var detail = detailOf(problem);
    detail.setInstance(URI.create(request.getRequestURI()));
    var body = json.writeValueAsBytes(detail);
    response.setStatus(problem.kind().httpStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    response.flushBuffer();
  }

  /** Names the field of the first rule broken, as task requests do ("field: rule"). */
  @ExceptionHandler(InvalidAlgorithmException.class)
  ResponseEntity<Object> invalidAlgorithm(InvalidAlgorithmException e) {
    var first = e.broken().isEmpty() ? "" : e.broken().get(0);
    var colon = first.indexOf(':');
    return refused(
        new ApiProblem(
            ApiProblem.Kind.INVALID,
            "INVALID_REQUEST",
            colon > 0 ? first.substring(0, colon) : null,
            e.getMessage()));
  }

  /** A body that is not JSON, or a value of the wrong type: the field is named when known. */
  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    var cause = e.getCause();
    while (cause != null && !(cause instanceof JacksonException)) {
      cause = cause.getCause();
    }
    if (!(cause instanceof JacksonException unreadable)) {
      return refused(invalid(null, "the body must be a JSON object"));
    }
    var field =
        unreadable.getPath().stream()
            .map(
                reference ->
                    reference.getPropertyName() != null
                        ? reference.getPropertyName()
                        : "[" + reference.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return refused(
        invalid(
            field.isEmpty() ? null : field,
            "the body is malformed: " + unreadable.getOriginalMessage()));
  }

  /** A body that breaks a declared constraint: the first field, in the body's own order. */
  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    var components = e.getParameter().getParameterType().getRecordComponents();
    var order =
        components == null
            ? java.util.List.<String>of()
            : Arrays.stream(components).map(c -> c.getName()).toList();
    var first =
        e.getFieldErrors().stream()
            .min(
                Comparator.comparingInt(
                    (FieldError error) -> {
                      var at = order.indexOf(error.getField().split("[.\\[]")[0]);
                      return at < 0 ? Integer.MAX_VALUE : at;
                    }))
            .orElse(null);
    return first == null
        ? refused(invalid(null, "the body is invalid"))
        : refused(invalid(first.getField(), first.getField() + ": " + first.getDefaultMessage()));
  }

  /**
   * Every other refusal of Spring MVC (405, 406, 415, 404 for an unknown path...): its status and
   * detail as Spring words them, with the project's type and code.
   */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    // Spring's handlers leave the body to this method: an ErrorResponse carries its own
    var detail =
        body instanceof ProblemDetail given
            ? given
            : e instanceof ErrorResponse spring
                ? spring.getBody()
                : ProblemDetail.forStatus(status.value());
    if (detail.getDetail() == null) {
      detail.setDetail(detail.getTitle() != null ? detail.getTitle() : "refused");
    }
    typed(detail, codeOf(status));
    return super.handleExceptionInternal(e, detail, headers, status, request);
  }

  /** The code of a refusal known only by its status: the API's code for it, else its name. */
  private static String codeOf(HttpStatusCode status) {
    return switch (status.value()) {
      case 400 -> "INVALID_REQUEST";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "FORBIDDEN";
      case 404 -> "NOT_FOUND";
      default -> {
        var known = HttpStatus.resolve(status.value());
        yield known == null ? "HTTP_" + status.value() : known.name();
      }
    };
  }

  private static ApiProblem invalid(String field, String detail) {
    return new ApiProblem(ApiProblem.Kind.INVALID, "INVALID_REQUEST", field, detail);
  }
}
