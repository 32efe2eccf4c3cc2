package io.algotask.api.callback;

import io.swagger.v3.oas.annotations.media.Schema;

/** The answer to a report that was taken (contract section 4). */
@Schema(name = "CallbackReceipt")
public record CallbackReceipt(
    @Schema(
            allowableValues = {CallbackReceipt.ACCEPTED, CallbackReceipt.ACCEPTED_BEFORE},
            requiredMode = Schema.RequiredMode.REQUIRED)
        String status) {
  static final String ACCEPTED = "accepted";
  static final String ACCEPTED_BEFORE = "accepted before";
}
