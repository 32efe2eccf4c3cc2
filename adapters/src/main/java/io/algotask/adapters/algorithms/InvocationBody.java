package io.algotask.adapters.algorithms;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** What an algorithm service receives (contract section 3). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvocationBody(
    String taskId,
    int attempt,
    String algorithm,
    String tenant,
    JsonNode params,
    Input input,
    Output output,
    Callback callback,
    Instant deadline) {

  /** The document to read, with a presigned GET URL. */
  public record Input(String uri, String url) {}

  /** Where to write the output, with a presigned PUT URL. */
  public record Output(String uri, String uploadUrl, Instant uploadUrlExpiresAt) {}

  /** Where to report, and the token that proves the report is about this attempt. */
  public record Callback(String url, String token) {}
}
