package io.algotask.api.callback;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The body of a progress report (contract section 4), read as sent (see {@link ReportReading});
 * unknown fields are ignored.
 */
@Schema(name = "ProgressReport")
public record ProgressBody(
    @NotNull(message = CallbackBody.ATTEMPT_RULE)
        @Min(value = 1, message = CallbackBody.ATTEMPT_RULE)
        Integer attempt,
    @Min(value = 0, message = ProgressBody.PERCENT_RULE)
        @Max(value = 100, message = ProgressBody.PERCENT_RULE)
        Integer percent,
    String message) {
  static final String PERCENT_RULE = "an integer from 0 to 100";
}
