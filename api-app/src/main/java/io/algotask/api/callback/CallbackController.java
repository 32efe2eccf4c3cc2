package io.algotask.api.callback;

import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.api.http.OpenApiConfiguration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where algorithm services report on their attempts (contract section 4). The request admission has
 * checked the callback token for the task; {@link CallbackService} decides the rest.
 */
@RestController
@Tag(name = "callbacks", description = "Reports of algorithm services on their attempts")
@SecurityRequirement(name = OpenApiConfiguration.CALLBACK_TOKEN)
@ApiResponse(
    responseCode = "401",
    description =
        "UNAUTHENTICATED: the token is missing, forged, expired, signed by a key no longer"
            + " configured, or for another task or attempt.")
@ApiResponse(
    responseCode = "404",
    description = "NOT_FOUND: no such task, or no such attempt of it.")
@ApiResponse(
    responseCode = "413",
    description = "CONTENT_TOO_LARGE: the body is over 64 KiB; none of it past that is read.")
public class CallbackController {
  private static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;
  private final CallbackService callbacks;

  CallbackController(CallbackService callbacks) {
    this.callbacks = callbacks;
  }

  @PostMapping("/v1/tasks/{taskId}/callback")
  @Operation(operationId = "reportCallback", summary = "Report the end of an attempt")
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: the first callback of the attempt, which decides it.",
      content =
          @Content(mediaType = JSON, schema = @Schema(implementation = CallbackReceipt.class)))
  @ApiResponse(
      responseCode = "200",
      description =
          "The same callback again (same attempt, same status): accepted before, counted on the"
              + " task as repeated, changes nothing else.",
      content =
          @Content(mediaType = JSON, schema = @Schema(implementation = CallbackReceipt.class)))
  @ApiResponse(
      responseCode = "400",
      description =
          "INVALID_REQUEST: the body is malformed, or output.uri is not the one handed out.")
  @ApiResponse(
      responseCode = "409",
      description =
          "ATTEMPT_OVER: the attempt is over (its deadline passed, it was cancelled, decided by"
              + " the other status, or never accepted): recorded as late, changes nothing.")
  ResponseEntity<CallbackReceipt> callback(
      @PathVariable String taskId, CallbackClaims claims, @Valid @RequestBody CallbackBody body) {
    var arrivedAt = Instant.now(); // an attempt is over at its deadline: arrival decides
    return switch (callbacks.report(taskId, claims, body, arrivedAt)) {
      case ACCEPTED -> answer(HttpStatus.ACCEPTED, CallbackReceipt.ACCEPTED);
      case ACCEPTED_BEFORE -> answer(HttpStatus.OK, CallbackReceipt.ACCEPTED_BEFORE);
    };
  }

  /**
   * What the algorithm reports of a running attempt. It is stored on the task, not signalled to the
   * workflow: readers and watchers see the latest report.
   */
  @PostMapping("/v1/tasks/{taskId}/progress")
  @Operation(operationId = "reportProgress", summary = "Report the progress of a running attempt")
  @ApiResponse(
      responseCode = "202",
      description = "Recorded on the task; a repeated report is recorded again.",
      content =
          @Content(mediaType = JSON, schema = @Schema(implementation = CallbackReceipt.class)))
  @ApiResponse(
      responseCode = "400",
      description = "INVALID_REQUEST: the body is malformed, or percent is not from 0 to 100.")
  @ApiResponse(
      responseCode = "409",
      description = "ATTEMPT_OVER: the attempt is over: stop working on it.")
  ResponseEntity<CallbackReceipt> progress(
      @PathVariable String taskId, CallbackClaims claims, @Valid @RequestBody ProgressBody body) {
    callbacks.progress(taskId, claims, body);
    return answer(HttpStatus.ACCEPTED, CallbackReceipt.ACCEPTED);
  }

  private static ResponseEntity<CallbackReceipt> answer(HttpStatus status, String detail) {
    return ResponseEntity.status(status).body(new CallbackReceipt(detail));
  }
}
