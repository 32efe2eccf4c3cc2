package io.algotask.adapters.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/** A task's result on its reply topic (contract section 2). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskResultMessage(
    String eventId,
    String taskId,
    String algorithm,
    String tenant,
    String status,
    int attempts,
    Output output,
    Error error,
    Instant submittedAt,
    Instant startedAt,
    Instant finishedAt,
    Map<String, String> metadata) {

  /** Where the output is, and a presigned URL to read it without credentials. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Output(
      String uri, String url, Instant urlExpiresAt, String contentType, Long sizeBytes) {}

  public record Error(String code, String message) {}
}
