package io.algotask.ocr;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;

/**
 * The parts of an invocation (docs/algorithm-services.md, section 1) the OCR job uses; {@code
 * deadline} is null when the invocation gives none.
 */
record Invocation(
    String taskId,
    int attempt,
    String language,
    URI inputUrl,
    String outputUri,
    URI uploadUrl,
    URI callbackUrl,
    String token,
    Instant deadline) {

  /**
   * @throws IllegalArgumentException with what is missing
   */
  static Invocation parse(JsonNode body, String defaultLanguage) {
    if (!body.path("input").path("url").isString()) {
      throw new IllegalArgumentException("the OCR algorithm needs an input document (input.url)");
    }
    if (body.path("attempt").asInt(0) < 1) {
      throw new IllegalArgumentException("the invocation has no attempt number");
    }
    String language = body.path("params").path("language").asString("");
    return new Invocation(
        text(body, "taskId"),
        body.path("attempt").asInt(0),
        language.isBlank() ? defaultLanguage : language,
        URI.create(body.path("input").path("url").asString()),
        text(body.path("output"), "uri"),
        URI.create(text(body.path("output"), "uploadUrl")),
        URI.create(text(body.path("callback"), "url")),
        text(body.path("callback"), "token"),
        deadline(body.path("deadline")));
  }

  private static Instant deadline(JsonNode value) {
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    try {
      return Instant.parse(value.asString(""));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "the invocation's deadline is not an ISO-8601 time: " + value, e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isString() || value.asString().isBlank()) {
      throw new IllegalArgumentException("the invocation has no " + field);
    }
    return value.asString();
  }
}
