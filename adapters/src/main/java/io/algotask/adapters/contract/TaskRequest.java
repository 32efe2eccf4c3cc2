package io.algotask.adapters.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A task request as accepted (contract section 1), with every default resolved. It is stored on the
 * task record; activities read what they need from there.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskRequest(
    String taskId,
    String algorithm,
    String tenant,
    int priority,
    Input input,
    JsonNode params,
    String replyTopic,
    int queueTimeoutSeconds,
    int executionTimeoutSeconds,
    int maxAttempts,
    Map<String, String> metadata) {

  /** The document to process. */
  public record Input(String uri) {}
}
