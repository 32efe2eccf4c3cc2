package io.algotask.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Between the client's types and the JSON of the Kafka and HTTP doors (contract sections 1, 2, 5).
 */
final class JsonWire {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonWire() {}

  /** The request as the JSON of contract section 1: unset fields are left out. */
  static byte[] requestJson(TaskRequest request) {
    var root = JSON.createObjectNode();
    root.put("taskId", request.taskId());
    root.put("algorithm", request.algorithm());
    putIfSet(root, "tenant", request.tenant());
    if (request.priority() != null) {
      root.put("priority", request.priority());
    }
    if (request.inputUri() != null) {
      root.putObject("input").put("uri", request.inputUri());
    }
    if (request.params() != null) {
      root.set("params", JSON.valueToTree(request.params()));
    }
    putIfSet(root, "replyTopic", request.replyTopic());
    if (request.queueTimeoutSeconds() != null) {
      root.put("queueTimeoutSeconds", request.queueTimeoutSeconds());
    }
    if (request.executionTimeoutSeconds() != null) {
      root.put("executionTimeoutSeconds", request.executionTimeoutSeconds());
    }
    if (request.maxAttempts() != null) {
      root.put("maxAttempts", request.maxAttempts());
    }
    if (!request.metadata().isEmpty()) {
      var metadata = root.putObject("metadata");
      request.metadata().forEach(metadata::put);
    }
    return JSON.writeValueAsBytes(root);
  }

  private static void putIfSet(ObjectNode root, String name, String value) {
    if (value != null) {
      root.put(name, value);
    }
  }

  /** A result message of contract section 2. */
  static TaskResult result(byte[] value, String replyError) {
    var root = JSON.readTree(value);
    return new TaskResult(
        text(root, "eventId"),
        text(root, "taskId"),
        text(root, "algorithm"),
        text(root, "tenant"),
        TaskStatus.valueOf(root.path("status").asString()),
        root.path("attempts").asInt(),
        output(root.get("output")),
        error(root.get("error")),
        instant(root, "submittedAt"),
        instant(root, "startedAt"),
        instant(root, "finishedAt"),
        strings(root.get("metadata")),
        replyError);
  }

  /** A task as {@code GET /v1/tasks/{taskId}} answers it. */
  static Task task(JsonNode root) {
    var progress = root.get("progress");
    return new Task(
        text(root, "taskId"),
        text(root, "algorithm"),
        text(root, "tenant"),
        root.path("priority").asInt(),
        TaskStatus.valueOf(root.path("status").asString()),
        root.path("attempts").asInt(),
        root.path("queuePosition").isNumber() ? root.get("queuePosition").asLong() : null,
        progress == null || progress.isNull()
            ? null
            : new Task.Progress(
                progress.path("attempt").asInt(),
                progress.path("percent").isNumber() ? progress.get("percent").asInt() : null,
                text(progress, "message"),
                instant(progress, "updatedAt")),
        output(root.get("output")),
        error(root.get("error")),
        instant(root, "submittedAt"),
        instant(root, "startedAt"),
        instant(root, "finishedAt"),
        strings(root.get("metadata")));
  }

  /** An application/problem+json answer (contract section 5) as the exception it stands for. */
  static AlgotaskApiException problem(int httpStatus, byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (RuntimeException notJson) {
      root = JSON.createObjectNode();
    }
    var properties = new LinkedHashMap<String, String>();
    for (var member : root.properties()) {
      if (member.getValue().isString()) {
        properties.put(member.getKey(), member.getValue().asString());
      }
    }
    var code = text(root, "code");
    return AlgotaskApiException.of(
        httpStatus,
        code == null ? "HTTP_" + httpStatus : code,
        text(root, "field"),
        text(root, "detail"),
        properties);
  }

  private static TaskOutput output(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return new TaskOutput(
        text(node, "uri"),
        text(node, "url"),
        instant(node, "urlExpiresAt"),
        text(node, "contentType"),
        node.path("sizeBytes").isNumber() ? node.get("sizeBytes").asLong() : null);
  }

  private static TaskError error(JsonNode node) {
    return node == null || node.isNull()
        ? null
        : new TaskError(text(node, "code"), text(node, "message"));
  }

  private static String text(JsonNode node, String name) {
    var value = node.get(name);
    return value == null || value.isNull() ? null : value.asString();
  }

  private static Instant instant(JsonNode node, String name) {
    var value = text(node, name);
    return value == null ? null : Instant.parse(value);
  }

  private static Map<String, String> strings(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Map.of();
    }
    var strings = new LinkedHashMap<String, String>();
    node.properties().forEach(member -> strings.put(member.getKey(), member.getValue().asString()));
    return Map.copyOf(strings);
  }
}
