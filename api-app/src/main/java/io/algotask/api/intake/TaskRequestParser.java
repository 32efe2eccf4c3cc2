package io.algotask.api.intake;

import static io.algotask.api.intake.TaskRequestRules.ALGORITHM;
import static io.algotask.api.intake.TaskRequestRules.EXECUTION_TIMEOUT_SECONDS;
import static io.algotask.api.intake.TaskRequestRules.INPUT;
import static io.algotask.api.intake.TaskRequestRules.INPUT_URI;
import static io.algotask.api.intake.TaskRequestRules.MAX_ATTEMPTS;
import static io.algotask.api.intake.TaskRequestRules.METADATA;
import static io.algotask.api.intake.TaskRequestRules.PARAMS;
import static io.algotask.api.intake.TaskRequestRules.PRIORITY;
import static io.algotask.api.intake.TaskRequestRules.QUEUE_TIMEOUT_SECONDS;
import static io.algotask.api.intake.TaskRequestRules.REPLY_TOPIC;
import static io.algotask.api.intake.TaskRequestRules.TASK_ID;
import static io.algotask.api.intake.TaskRequestRules.TENANT;

import io.algotask.adapters.contract.TaskRequest;
import io.algotask.adapters.kafka.ReplyTopics;
import io.algotask.adapters.kafka.TopicProperties;
import io.algotask.adapters.registry.AlgorithmLookup;
import io.algotask.adapters.registry.AlgorithmSettings;
import io.algotask.adapters.storage.ObjectStorageProperties;
import io.algotask.adapters.storage.S3Location;
import io.algotask.workflows.model.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a task request and checks every rule of contract section 1, naming the first one broken.
 * The same rules hold at every door (Kafka, HTTP, gRPC); the fields' own rules are those of {@link
 * TaskRequestRules}, which the OpenAPI description shows too.
 */
@Component
public class TaskRequestParser {
  private static final String DEFAULT_TENANT = (String) TENANT.defaultValue();
  private static final int DEFAULT_PRIORITY = (Integer) PRIORITY.defaultValue();

  /** A broken rule, found while reading one field. */
  private static final class BrokenRule extends Exception {
    final ErrorCode code;

    BrokenRule(ErrorCode code, String rule) {
      super(rule, null, false, false);
      this.code = code;
    }
  }

  private final JsonMapper json;
  private final AlgorithmLookup registry;
  private final TopicProperties topics;
  private final ObjectStorageProperties storage;
  private final Pattern allowedReplyTopics;
  private final ReplyTopics replyTopics;

  public TaskRequestParser(
      JsonMapper json,
      AlgorithmLookup registry,
      TopicProperties topics,
      ObjectStorageProperties storage,
      ReplyTopics replyTopics) {
    this.json = json;
    this.replyTopics = replyTopics;
    this.registry = registry;
    this.topics = topics;
    this.storage = storage;
    this.allowedReplyTopics = Pattern.compile(topics.allowedReplyTopics());
  }

  public ParsedRequest parse(byte[] value) {
    JsonNode root;
    try {
      root = value == null ? null : json.readTree(value);
    } catch (JacksonException e) {
      return new ParsedRequest.NotATask("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return new ParsedRequest.NotATask("not a JSON object");
    }
    var taskId = root.get(TASK_ID.name());
    if (taskId == null || !taskId.isString() || !TASK_ID.admits(taskId.stringValue())) {
      return new ParsedRequest.NotATask(
          "no usable taskId: it must be a string matching " + TASK_ID.pattern().pattern(),
          TASK_ID.name());
    }
    return parse(taskId.stringValue(), root);
  }

  private ParsedRequest parse(String taskId, JsonNode root) {
    try {
      // first: no rule's message may quote text that cannot be stored
      refuseUnstorableText("", root);
      var algorithm = algorithm(root);
      var tenant = tenant(root);
      var request =
          new TaskRequest(
              taskId,
              algorithm.name(),
              tenant,
              intIn(root, PRIORITY, DEFAULT_PRIORITY),
              input(root, tenant),
              params(root),
              replyTopic(root),
              intIn(root, QUEUE_TIMEOUT_SECONDS, (int) algorithm.queueTimeout().toSeconds()),
              intIn(
                  root, EXECUTION_TIMEOUT_SECONDS, (int) algorithm.executionTimeout().toSeconds()),
              intIn(root, MAX_ATTEMPTS, algorithm.maxAttempts()),
              metadata(root));
      return new ParsedRequest.Valid(request);
    } catch (BrokenRule broken) {
      // a rejected request still carries what was usable of it
      return new ParsedRequest.Invalid(lenient(taskId, root), broken.code, broken.getMessage());
    }
  }

  /**
   * Refuses text that PostgreSQL cannot store (contract section 7): U+0000, or half of a surrogate
   * pair. Anywhere in the request, as a value or a member's name; the rule names where.
   */
  private static void refuseUnstorableText(String path, JsonNode node) throws BrokenRule {
    if (node.isString()) {
      if (!storable(node.stringValue())) {
        throw unstorable(path.isEmpty() ? "request" : path);
      }
    } else if (node.isArray()) {
      for (var i = 0; i < node.size(); i++) {
        refuseUnstorableText(path + "[" + i + "]", node.get(i));
      }
    } else if (node.isObject()) {
      for (var member : node.properties()) {
        if (!storable(member.getKey())) {
          throw unstorable(path.isEmpty() ? "request" : path);
        }
        refuseUnstorableText(
            path.isEmpty() ? member.getKey() : path + "." + member.getKey(), member.getValue());
      }
    }
  }

  /** The rule of a field, broken: "field: what it must be". */
  private static BrokenRule broken(TaskRequestRules.Field field, String rule) {
    return new BrokenRule(ErrorCode.INVALID_REQUEST, field.name() + ": " + rule);
  }

  private static BrokenRule unstorable(String path) {
    return new BrokenRule(
        ErrorCode.INVALID_REQUEST,
        path + ": holds U+0000 or an unpaired surrogate, which cannot be stored");
  }

  /** True unless the text holds U+0000 or half of a surrogate pair. */
  static boolean storable(String text) {
    for (var i = 0; i < text.length(); i++) {
      var c = text.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** The text without what cannot be stored, for what a rejection echoes back. */
  private static String storableOnly(String text) {
    if (storable(text)) {
      return text;
    }
    var kept = new StringBuilder(text.length());
    text.codePoints()
        .filter(c -> c != 0 && (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE))
        .forEach(kept::appendCodePoint);
    return kept.toString();
  }

  private TaskRequest lenient(String taskId, JsonNode root) {
    var algorithm = root.path(ALGORITHM.name());
    String replyTopic;
    try {
      replyTopic = replyTopic(root);
    } catch (BrokenRule e) {
      replyTopic = topics.results(); // the contract's fallback for an unusable reply topic
    }
    String tenant;
    try {
      tenant = tenant(root);
    } catch (BrokenRule e) {
      tenant = DEFAULT_TENANT;
    }
    Map<String, String> metadata;
    try {
      metadata = metadata(root);
      if (metadata != null
          && metadata.entrySet().stream()
              .anyMatch(e -> !storable(e.getKey()) || !storable(e.getValue()))) {
        metadata = null;
      }
    } catch (BrokenRule e) {
      metadata = null;
    }
    var priority = root.path(PRIORITY.name());
    return new TaskRequest(
        taskId,
        algorithm.isString() ? storableOnly(truncate(algorithm.stringValue(), 64)) : "",
        tenant,
        priority.isInt() && PRIORITY.admits(priority.intValue())
            ? priority.intValue()
            : DEFAULT_PRIORITY,
        null,
        null,
        replyTopic,
        0,
        0,
        0,
        metadata);
  }

  private AlgorithmSettings algorithm(JsonNode root) throws BrokenRule {
    var node = root.get(ALGORITHM.name());
    if (node == null || !node.isString() || node.stringValue().isBlank()) {
      throw broken(ALGORITHM, "required, a string");
    }
    return registry
        .find(node.stringValue())
        .orElseThrow(
            () ->
                new BrokenRule(
                    ErrorCode.UNKNOWN_ALGORITHM,
                    ALGORITHM.name()
                        + ": '"
                        + truncate(node.stringValue(), 64)
                        + "' is not registered"));
  }

  private static String tenant(JsonNode root) throws BrokenRule {
    var node = root.get(TENANT.name());
    if (node == null || node.isNull()) {
      return DEFAULT_TENANT;
    }
    if (!node.isString() || !TENANT.admits(node.stringValue())) {
      throw broken(TENANT, "must be a string matching " + TENANT.pattern().pattern());
    }
    return node.stringValue();
  }

  private static int intIn(JsonNode root, TaskRequestRules.Field field, int fallback)
      throws BrokenRule {
    var node = root.get(field.name());
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || !field.admits(node.intValue())) {
      throw broken(field, "must be an integer from " + field.minimum() + " to " + field.maximum());
    }
    return node.intValue();
  }

  private TaskRequest.Input input(JsonNode root, String tenant) throws BrokenRule {
    var node = root.get(INPUT.name());
    if (node == null || node.isNull()) {
      return null;
    }
    var uri = node.path(INPUT_URI);
    if (!node.isObject() || !uri.isString()) {
      throw broken(INPUT, "must be an object {\"uri\": \"s3://bucket/key\"}");
    }
    S3Location location;
    try {
      location = S3Location.parse(uri.stringValue());
    } catch (IllegalArgumentException e) {
      throw new BrokenRule(ErrorCode.INVALID_REQUEST, "input.uri: " + e.getMessage());
    }
    if (!storage.inputBuckets().contains(location.bucket())) {
      throw new BrokenRule(
          ErrorCode.INVALID_REQUEST,
          "input.uri: bucket '" + location.bucket() + "' is not one tasks may read from");
    }
    var prefix = storage.inputPrefixOf(tenant);
    // a ".." segment could leave the prefix on a store that resolves paths
    if (!location.key().startsWith(prefix) || ("/" + location.key() + "/").contains("/../")) {
      throw new BrokenRule(
          ErrorCode.INVALID_REQUEST,
          "input.uri: the key must start with '" + prefix + "', the inputs of tenant " + tenant);
    }
    return new TaskRequest.Input(location.uri());
  }

  private JsonNode params(JsonNode root) throws BrokenRule {
    var node = root.get(PARAMS.name());
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw broken(PARAMS, "must be an object");
    }
    if (json.writeValueAsBytes(node).length > PARAMS.maxBytes()) {
      throw broken(PARAMS, "at most " + PARAMS.maxBytes() + " bytes serialized");
    }
    return node;
  }

  private String replyTopic(JsonNode root) throws BrokenRule {
    var node = root.get(REPLY_TOPIC.name());
    if (node == null || node.isNull()) {
      return topics.results();
    }
    var topic = node.isString() ? node.stringValue() : "";
    if (!REPLY_TOPIC.admits(topic) || topic.equals(".") || topic.equals("..")) {
      throw broken(REPLY_TOPIC, "not a legal Kafka topic name");
    }
    if (topic.startsWith("__")
        || topic.equals(topics.requests())
        || topic.equals(topics.deadLetter())) {
      throw broken(
          REPLY_TOPIC,
          "internal topics and Algotask's own request and dead-letter topics are not allowed");
    }
    if (!allowedReplyTopics.matcher(topic).matches()) {
      throw broken(REPLY_TOPIC, "must match the allowed pattern " + allowedReplyTopics.pattern());
    }
    if (!topic.equals(topics.results())) {
      var usability = replyTopics.check(topic);
      if (usability != ReplyTopics.Usability.USABLE) {
        throw broken(REPLY_TOPIC, topic + ": " + usability.reason());
      }
    }
    return topic;
  }

  private Map<String, String> metadata(JsonNode root) throws BrokenRule {
    var node = root.get(METADATA.name());
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw broken(METADATA, "must be an object of strings");
    }
    var metadata = new LinkedHashMap<String, String>();
    for (var entry : node.properties()) {
      if (!entry.getValue().isString()) {
        throw new BrokenRule(
            ErrorCode.INVALID_REQUEST, "metadata." + entry.getKey() + ": must be a string");
      }
      metadata.put(entry.getKey(), entry.getValue().stringValue());
    }
    if (json.writeValueAsString(metadata).getBytes(StandardCharsets.UTF_8).length
        > METADATA.maxBytes()) {
      throw broken(METADATA, "at most " + METADATA.maxBytes() + " bytes");
    }
    return metadata;
  }

  private static String truncate(String value, int length) {
    if (value.length() <= length) {
      return value;
    }
    // never half of a surrogate pair
    var end = Character.isHighSurrogate(value.charAt(length - 1)) ? length - 1 : length;
    return value.substring(0, end);
  }
}
