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
@Schema(name = "Callback")
public record CallbackBody(
    @NotNull(message = CallbackBody.ATTEMPT_RULE)
        @Min(value = 1, message = CallbackBody.ATTEMPT_RULE)
        Integer attempt,
    @NotNull(message = CallbackBody.STATUS_RULE)
        @Pattern(regexp = "^(SUCCEEDED|FAILED)$", message = CallbackBody.STATUS_RULE)
        @Schema(allowableValues = {"SUCCEEDED", "FAILED"})
        String status,
    @Valid Output output,
    @Valid Error error) {
  static final String ATTEMPT_RULE = "required, an integer from 1";
  static final String STATUS_RULE = "required, SUCCEEDED or FAILED";

  boolean succeeded() {
    return "SUCCEEDED".equals(status);
  }

  @Schema(name = "CallbackOutput")
  public record Output(String uri, String contentType, Long sizeBytes) {}

  @Schema(name = "CallbackError")
  public record Error(String code, String message, Boolean retryable) {}
}
