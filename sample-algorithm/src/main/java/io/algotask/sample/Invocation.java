package io.algotask.sample;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;

/**
 * The body of an invocation (contract section 3), validated. {@code inputUrl}, {@code inputUri},
 * {@code outputUri}, {@code algorithm}, {@code tenant} and {@code params} may be null.
 */
record Invocation(
    String taskId,
    int attempt,
    String algorithm,
    String tenant,
    JsonNode params,
    String inputUri,
    URI inputUrl,
    String outputUri,
    URI uploadUrl,
    URI callbackUrl,
    String callbackToken,
    Instant deadline) {

  AttemptKey key() {
    return new AttemptKey(taskId, attempt);
  }

  /**
   * @throws InvalidInvocationException naming the first field that is missing or malformed
   */
  static Invocation from(JsonNode body) throws InvalidInvocationException {
    if (body == null || !body.isObject()) {
      throw new InvalidInvocationException("body", "the body must be a JSON object");
    }
    JsonNode input = body.path("input");
    JsonNode output = body.path("output");
    JsonNode callback = body.path("callback");
    JsonNode params = body.get("params");
    return new Invocation(
        requiredText(body.path("taskId"), "taskId"),
        attempt(body.path("attempt")),
        optionalText(body.path("algorithm"), "algorithm"),
        optionalText(body.path("tenant"), "tenant"),
        params == null || params.isNull() ? null : params,
        optionalText(input.path("uri"), "input.uri"),
        optionalUrl(input.path("url"), "input.url"),
        optionalText(output.path("uri"), "output.uri"),
        url(requiredText(output.path("uploadUrl"), "output.uploadUrl"), "output.uploadUrl"),
        url(requiredText(callback.path("url"), "callback.url"), "callback.url"),
        token(requiredText(callback.path("token"), "callback.token")),
        deadline(requiredText(body.path("deadline"), "deadline")));
  }

  private static int attempt(JsonNode node) throws InvalidInvocationException {
    if (node.isMissingNode() || node.isNull()) {
      throw new InvalidInvocationException("attempt", "attempt is required");
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
      throw new InvalidInvocationException("attempt", "attempt must be an integer >= 1");
    }
    return node.intValue();
  }

  private static String requiredText(JsonNode node, String field)
      throws InvalidInvocationException {
    String text = optionalText(node, field);
    if (text == null || text.isBlank()) {
      throw new InvalidInvocationException(field, field + " is required");
    }
    return text;
  }

  private static String optionalText(JsonNode node, String field)
      throws InvalidInvocationException {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw new InvalidInvocationException(field, field + " must be a string");
    }
    return node.stringValue();
  }

  private static URI optionalUrl(JsonNode node, String field) throws InvalidInvocationException {
    String text = optionalText(node, field);
    return text == null || text.isBlank() ? null : url(text, field);
  }

  private static URI url(String text, String field) throws InvalidInvocationException {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme();
      if (uri.getHost() != null && ("http".equals(scheme) || "https".equals(scheme))) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below like any other malformed URL
    }
    throw new InvalidInvocationException(field, field + " must be an absolute http(s) URL");
  }

  /** It goes into a header: control characters would break the request (or smuggle another). */
  private static String token(String text) throws InvalidInvocationException {
    if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new InvalidInvocationException(
          "callback.token", "callback.token must not contain control characters");
    }
    return text;
  }

  private static Instant deadline(String text) throws InvalidInvocationException {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new InvalidInvocationException(
            "deadline", "deadline must be an ISO-8601 time, e.g. 2030-01-01T00:00:00Z");
      }
    }
  }
}
