package io.algotask.api.http;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.Map;

/**
 * The body of {@code POST /v1/tasks} (contract section 1), for the OpenAPI description only: the
 * controller reads the raw bytes, so that one parser checks the requests of every door alike.
 */
@Schema(name = "TaskRequest", description = "A task request; unknown fields are ignored.")
record TaskRequestSchema(
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            pattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$",
            description = "Unique across all tenants, and the idempotency key.")
        String taskId,
    @Schema(requiredMode = RequiredMode.REQUIRED, description = "A registered algorithm.")
        String algorithm,
    @Schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", defaultValue = "default") String tenant,
    @Schema(minimum = "1", maximum = "5", defaultValue = "3", description = "1 is most urgent.")
        Integer priority,
    Input input,
    @Schema(description = "Free-form algorithm parameters, at most 64 KiB serialized.")
        Map<String, Object> params,
    @Schema(
            description = "Where the result goes; a topic the operator allows.",
            defaultValue = "algotask.task.results")
        String replyTopic,
    @Schema(
            minimum = "1",
            maximum = "604800",
            description = "Longest single wait for a slot; default per algorithm.")
        Integer queueTimeoutSeconds,
    @Schema(
            minimum = "1",
            maximum = "86400",
            description = "Longest wait for one attempt's callback; default per algorithm.")
        Integer executionTimeoutSeconds,
    @Schema(minimum = "1", maximum = "10", description = "Default per algorithm.")
        Integer maxAttempts,
    @Schema(description = "Echoed back on the result; at most 4 KiB.")
        Map<String, String> metadata) {

  @Schema(name = "TaskInput", description = "The document to process.")
  record Input(
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              example = "s3://algotask-documents/doc-42.pdf",
              description = "s3://bucket/key, in a bucket the operator allows.")
          String uri) {}
}
