package io.algotask.api.callback;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.results.ReportedText;
import io.algotask.adapters.storage.ObjectStorage;
import io.algotask.adapters.storage.S3Location;
import io.algotask.adapters.temporal.TaskSignals;
import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tokens.CallbackTokens;
import io.algotask.adapters.tokens.InvalidCallbackTokenException;
import io.algotask.api.http.OpenApiConfiguration;
import io.algotask.workflows.model.CallbackReport;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where algorithm services report the end of an attempt (contract section 4). The report is
 * recorded first, with a compare-and-set on the attempt's execution row that the workflow's timeout
 * path uses too, so the answer (202, 200 or 409) is decided by the record; only then is the
 * workflow signalled.
 */
@RestController
@Tag(name = "callbacks", description = "Reports of algorithm services on their attempts")
@SecurityRequirement(name = OpenApiConfiguration.CALLBACK_TOKEN)
@ApiResponse(
    responseCode = "401",
    description = "The token is missing, forged, expired, or for another task or attempt.")
@ApiResponse(responseCode = "404", description = "No such task, or no such attempt of it.")
@ApiResponse(
    responseCode = "413",
    description = "CONTENT_TOO_LARGE: the body is over 64 KiB; none of it past that is read.")
public class CallbackController {
  private static final Logger log = LoggerFactory.getLogger(CallbackController.class);
  private static final String BEARER = "Bearer ";

  private final CallbackTokens tokens;
  private final TaskTransitions transitions;
  private final TaskRecords tasks;
  private final TaskSignals signals;
  private final ObjectStorage storage;
  private final JsonMapper json;
  private final JsonMapper reports;

  public CallbackController(
      CallbackTokens tokens,
      TaskTransitions transitions,
      TaskRecords tasks,
      TaskSignals signals,
      ObjectStorage storage,
      JsonMapper json) {
    this.tokens = tokens;
    this.transitions = transitions;
    this.tasks = tasks;
    this.signals = signals;
    this.storage = storage;
    this.json = json;
    // a report is read as sent: "1" or 1.5 is no attempt number, "12" no size
    this.reports =
        json.rebuild()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();
  }

  /**
   * The callback body; unknown fields are ignored. Named apart from the task's output and error.
   */
  @Schema(name = "Callback")
  record CallbackBody(
      Integer attempt,
      @Schema(allowableValues = {"SUCCEEDED", "FAILED"}) String status,
      Output output,
      Error error) {
    @Schema(name = "CallbackOutput")
    record Output(String uri, String contentType, Long sizeBytes) {}

    @Schema(name = "CallbackError")
    record Error(String code, String message, Boolean retryable) {}
  }

  /** A refusal, as application/problem+json. */
  private static final class Refusal extends Exception {
    final HttpStatus status;

    Refusal(HttpStatus status, String detail) {
      super(detail, null, false, false);
      this.status = status;
    }
  }

  @PostMapping("/v1/tasks/{taskId}/callback")
  @Operation(
      operationId = "reportCallback",
      summary = "Report the end of an attempt",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = CallbackBody.class))))
  @ApiResponse(responseCode = "202", description = "Accepted.")
  @ApiResponse(
      responseCode = "200",
      description =
          "The same callback again: accepted before, counted on the task as repeated,"
              + " changes nothing else.")
  @ApiResponse(responseCode = "400", description = "The body is malformed.")
  @ApiResponse(
      responseCode = "409",
      description =
          "The attempt is over (timed out, cancelled, or reported otherwise): recorded"
              + " as late, changes nothing.")
  public ResponseEntity<?> callback(
      @PathVariable String taskId,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestBody(required = false) String body) {
    var arrivedAt = Instant.now(); // an attempt is over at its deadline: arrival decides
    try {
      var claims = authenticate(authorization, taskId);
      var callback = parse(body);
      if (callback.attempt() != claims.attempt()) {
        throw new Refusal(HttpStatus.UNAUTHORIZED, "the token was issued for another attempt");
      }
      var task =
          tasks
              .findById(taskId)
              .orElseThrow(() -> new Refusal(HttpStatus.NOT_FOUND, "no task " + taskId));
      var report = reportOf(callback, task.tenant(), taskId);
      var verdict =
          transitions.recordCallback(
              taskId,
              report.attempt(),
              report.succeeded() ? ExecutionStatus.SUCCEEDED : ExecutionStatus.FAILED,
              json.writeValueAsString(report),
              arrivedAt);
      return switch (verdict) {
        case ACCEPTED -> {
          signal(taskId, report);
          yield answer(HttpStatus.ACCEPTED, "accepted");
        }
        case REPEATED -> {
          // the workflow keeps the first report: signal again only if it may not have one, so
          // that repeats add nothing to its history
          if (transitions.callbackSignalPending(taskId, report.attempt())) {
            signal(taskId, report);
          }
          yield answer(HttpStatus.OK, "accepted before");
        }
        case ATTEMPT_OVER ->
            throw new Refusal(
                HttpStatus.CONFLICT,
                "attempt " + report.attempt() + " is over; the callback was recorded as late");
        case NO_SUCH_ATTEMPT ->
            throw new Refusal(
                HttpStatus.NOT_FOUND, "no attempt " + report.attempt() + " of " + taskId);
      };
    } catch (Refusal refusal) {
      return problem(refusal.status, refusal.getMessage());
    }
  }

  /** The progress body; unknown fields are ignored. */
  @Schema(name = "ProgressReport")
  record ProgressBody(
      Integer attempt, @Schema(minimum = "0", maximum = "100") Integer percent, String message) {}

  /**
   * What the algorithm reports of a running attempt (contract section 4). It is stored on the task,
   * not signalled to the workflow: readers and watchers see the latest report.
   */
  @PostMapping("/v1/tasks/{taskId}/progress")
  @Operation(
      operationId = "reportProgress",
      summary = "Report the progress of a running attempt",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = ProgressBody.class))))
  @ApiResponse(responseCode = "202", description = "Recorded on the task.")
  @ApiResponse(
      responseCode = "400",
      description = "The body is malformed, or percent is not from 0 to 100.")
  @ApiResponse(responseCode = "409", description = "The attempt is over: changes nothing.")
  public ResponseEntity<?> progress(
      @PathVariable String taskId,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestBody(required = false) String body) {
    try {
      var claims = authenticate(authorization, taskId);
      ProgressBody progress;
      try {
        progress = body == null ? null : reports.readValue(body, ProgressBody.class);
      } catch (JacksonException e) {
        throw new Refusal(
            HttpStatus.BAD_REQUEST, "the body is not a progress report: " + e.getOriginalMessage());
      }
      if (progress == null || progress.attempt() == null || progress.attempt() < 1) {
        throw new Refusal(HttpStatus.BAD_REQUEST, "attempt: required, an integer from 1");
      }
      if (progress.percent() != null && (progress.percent() < 0 || progress.percent() > 100)) {
        throw new Refusal(HttpStatus.BAD_REQUEST, "percent: an integer from 0 to 100");
      }
      if (progress.attempt() != claims.attempt()) {
        throw new Refusal(HttpStatus.UNAUTHORIZED, "the token was issued for another attempt");
      }
      if (!tasks.existsById(taskId)) {
        throw new Refusal(HttpStatus.NOT_FOUND, "no task " + taskId);
      }
      return switch (transitions.recordProgress(
          taskId,
          progress.attempt(),
          progress.percent(),
          ReportedText.message(progress.message()))) {
        case ACCEPTED -> answer(HttpStatus.ACCEPTED, "accepted");
        case ATTEMPT_OVER ->
            throw new Refusal(HttpStatus.CONFLICT, "attempt " + progress.attempt() + " is over");
        case NO_SUCH_ATTEMPT ->
            throw new Refusal(
                HttpStatus.NOT_FOUND, "no attempt " + progress.attempt() + " of " + taskId);
      };
    } catch (Refusal refusal) {
      return problem(refusal.status, refusal.getMessage());
    }
  }

  private CallbackClaims authenticate(String authorization, String taskId) throws Refusal {
    // the scheme is case-insensitive (RFC 9110), the token is not
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new Refusal(
          HttpStatus.UNAUTHORIZED, "a callback token is required: Authorization: Bearer <token>");
    }
    CallbackClaims claims;
    try {
      claims = tokens.verify(authorization.substring(BEARER.length()).trim());
    } catch (InvalidCallbackTokenException e) {
      throw new Refusal(HttpStatus.UNAUTHORIZED, "invalid callback token: " + e.getMessage());
    }
    if (!claims.taskId().equals(taskId)) {
      throw new Refusal(HttpStatus.UNAUTHORIZED, "the token was issued for another task");
    }
    return claims;
  }

  private CallbackBody parse(String body) throws Refusal {
    CallbackBody callback;
    try {
      callback = body == null ? null : reports.readValue(body, CallbackBody.class);
    } catch (JacksonException e) {
      throw new Refusal(
          HttpStatus.BAD_REQUEST, "the body is not a callback: " + e.getOriginalMessage());
    }
    if (callback == null || callback.attempt() == null || callback.attempt() < 1) {
      throw new Refusal(HttpStatus.BAD_REQUEST, "attempt: required, an integer from 1");
    }
    if (!"SUCCEEDED".equals(callback.status()) && !"FAILED".equals(callback.status())) {
      throw new Refusal(HttpStatus.BAD_REQUEST, "status: required, SUCCEEDED or FAILED");
    }
    return callback;
  }

  /**
   * The report as the workflow gets it. An output must lie where this attempt was told to write: an
   * algorithm cannot have Algotask hand out URLs to other objects.
   */
  private CallbackReport reportOf(CallbackBody callback, String tenant, String taskId)
      throws Refusal {
    var status = CallbackReport.Outcome.valueOf(callback.status());
    CallbackReport.Output output = null;
    if (status == CallbackReport.Outcome.SUCCEEDED) {
      var handedOut = storage.outputOf(tenant, taskId, callback.attempt());
      var uri =
          callback.output() == null || callback.output().uri() == null
              ? handedOut.uri()
              : callback.output().uri();
      S3Location location;
      try {
        location = S3Location.parse(uri);
      } catch (IllegalArgumentException e) {
        throw new Refusal(HttpStatus.BAD_REQUEST, "output.uri: " + e.getMessage());
      }
      if (!location.equals(handedOut)) {
        throw new Refusal(
            HttpStatus.BAD_REQUEST,
            "output.uri: must be the uri this attempt was given, " + handedOut);
      }
      output =
          new CallbackReport.Output(
              location.uri(),
              callback.output() == null ? null : ReportedText.name(callback.output().contentType()),
              callback.output() == null ? null : callback.output().sizeBytes());
    }
    var error =
        callback.error() == null
            ? null
            : new CallbackReport.Error(
                ReportedText.name(callback.error().code()),
                ReportedText.message(callback.error().message()),
                callback.error().retryable());
    return new CallbackReport(callback.attempt(), status, output, error);
  }

  /** The record decides; a failed signal is made good by the workflow reading that record. */
  private void signal(String taskId, CallbackReport report) {
    try {
      signals.callbackReceived(taskId, report);
    } catch (RuntimeException e) {
      log.warn("callback of {} recorded, signal failed: {}", taskId, e.toString());
      return;
    }
    try {
      transitions.markCallbackSignalled(taskId, report.attempt());
    } catch (RuntimeException e) { // a repeat signals once more: harmless
      log.warn("callback of {} signalled, not noted as such: {}", taskId, e.toString());
    }
  }

  private static ResponseEntity<Map<String, String>> answer(HttpStatus status, String detail) {
    return ResponseEntity.status(status).body(Map.of("status", detail));
  }

  /** The same machine-readable codes as the rest of the API's problems. */
  private static String codeOf(HttpStatus status) {
    return switch (status) {
      case BAD_REQUEST -> "INVALID_REQUEST";
      case UNAUTHORIZED -> "UNAUTHENTICATED";
      case NOT_FOUND -> "NOT_FOUND";
      case CONFLICT -> "ATTEMPT_OVER";
      default -> status.name();
    };
  }

  private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
    var problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create("about:blank"));
    problem.setProperty("code", codeOf(status));
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
