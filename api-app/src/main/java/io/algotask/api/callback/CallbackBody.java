package io.algotask.api.callback;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The body of a callback (contract section 4), read as sent (see {@link ReportReading}); unknown
 * fields are ignored. Named apart from the task's output and error.
 */
@Schema(
    name = "Callback",
    description =
        "The end of an attempt, with Authorization: Bearer {callback.token}; at most 64 KiB;"
            + " unknown fields are ignored.")
public record CallbackBody(
    @NotNull(message = CallbackBody.ATTEMPT_RULE)
        @Min(value = 1, message = CallbackBody.ATTEMPT_RULE)
        @Schema(description = "the attempt the token was handed out with; a JSON integer")
        Integer attempt,
    @NotNull(message = CallbackBody.STATUS_RULE)
        @Pattern(regexp = "^(SUCCEEDED|FAILED)$", message = CallbackBody.STATUS_RULE)
        @Schema(allowableValues = {"SUCCEEDED", "FAILED"})
        String status,
    @Valid @Schema(description = "for SUCCEEDED; optional") Output output,
    @Valid @Schema(description = "for FAILED; optional") Error error,
    @Min(value = 0, message = CallbackBody.QUEUE_RULE)
        @Schema(
            description =
                "optional: how long the attempt waited in the algorithm's own queue before its work"
                    + " began; above algotask.slots.adaptive-queue-target it counts as congestion"
                    + " for an adaptive limit")
        Long queueMillis) {
  static final String QUEUE_RULE = "an integer from 0";

  static final String ATTEMPT_RULE = "required, an integer from 1";
  static final String STATUS_RULE = "required, SUCCEEDED or FAILED";

  boolean succeeded() {
    return "SUCCEEDED".equals(status);
  }

  @Schema(name = "CallbackOutput")
  public record Output(
      @Schema(description = "must be output.uri of the invocation; that one when left out")
          String uri,
      @Schema(description = "the content type of the object written; at most 256 characters")
          String contentType,
      @Schema(description = "its size; a JSON integer") Long sizeBytes) {}

  @Schema(name = "CallbackError")
  public record Error(
      @Schema(description = "a code of the algorithm's; at most 256 characters") String code,
      @Schema(description = "for humans; stored cut to 4 KiB") String message,
      @Schema(
              description = "false: no other attempt would do better, the task ends at once FAILED",
              defaultValue = "true")
          Boolean retryable) {}
}
