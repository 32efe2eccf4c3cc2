package io.algotask.api.intake;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The fields of a task request and their rules (contract section 1), said once: {@link
 * TaskRequestParser} checks every request against them, at every door, and the OpenAPI description
 * of {@code POST /v1/tasks} is built from them. Rules that depend on settings or on the registry (a
 * registered algorithm, an allowed bucket or reply topic) are the parser's alone.
 */
public final class TaskRequestRules {

  /** What a field holds, as JSON. */
  public enum Shape {
    STRING,
    INTEGER,
    /** {@code {"uri": "s3://bucket/key"}}: the document to process. */
    DOCUMENT,
    /** Any JSON object. */
    OBJECT,
    /** An object of strings. */
    STRING_MAP
  }

  /**
   * One field of the request and its rules.
   *
   * @param pattern what a string must match in full, or null
   * @param minimum the least integer allowed, or null
   * @param maximum the greatest integer allowed, or null
   * @param maxBytes the most bytes an object may take serialized, or null
   * @param defaultValue the value of an absent field, or null (none, or one that depends on the
   *     algorithm or on settings: the description says)
   */
  public record Field(
      String name,
      Shape shape,
      boolean required,
      Pattern pattern,
      Integer minimum,
      Integer maximum,
      Integer maxBytes,
      Object defaultValue,
      String description) {

    static Field text(String name, String description) {
      return new Field(name, Shape.STRING, false, null, null, null, null, null, description);
    }

    static Field integer(String name, int minimum, int maximum, String description) {
      return new Field(name, Shape.INTEGER, false, null, minimum, maximum, null, null, description);
    }

    static Field of(String name, Shape shape, String description) {
      return new Field(name, shape, false, null, null, null, null, null, description);
    }

    Field mandatory() {
      return new Field(
          name, shape, true, pattern, minimum, maximum, maxBytes, defaultValue, description);
    }

    Field matching(String regex) {
      return new Field(
          name,
          shape,
          required,
          Pattern.compile(regex),
          minimum,
          maximum,
          maxBytes,
          defaultValue,
          description);
    }

    Field atMostBytes(int bytes) {
      return new Field(
          name, shape, required, pattern, minimum, maximum, bytes, defaultValue, description);
    }

    Field byDefault(Object value) {
      return new Field(
          name, shape, required, pattern, minimum, maximum, maxBytes, value, description);
    }

    /** True when the integer is within the field's bounds. */
    public boolean admits(int value) {
      return (minimum == null || value >= minimum) && (maximum == null || value <= maximum);
    }

    /** True when the string matches the field's pattern in full. */
    public boolean admits(String value) {
      return pattern == null || pattern.matcher(value).matches();
    }
  }

  public static final Field TASK_ID =
      Field.text("taskId", "Unique across all tenants, and the idempotency key.")
          .mandatory()
          .matching("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  public static final Field ALGORITHM =
      Field.text("algorithm", "A registered algorithm.").mandatory();
  public static final Field TENANT =
      Field.text("tenant", "The tenant of the task.")
          .matching("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
          .byDefault("default");
  public static final Field PRIORITY =
      Field.integer("priority", 1, 5, "1 is most urgent.").byDefault(3);
  public static final Field INPUT = Field.of("input", Shape.DOCUMENT, "The document to process.");
  public static final Field PARAMS =
      Field.of("params", Shape.OBJECT, "Free-form algorithm parameters.").atMostBytes(64 * 1024);
  public static final Field REPLY_TOPIC =
      Field.text(
              "replyTopic",
              "Where the result goes: a Kafka topic the operator allows; by default the results"
                  + " topic.")
          .matching("[A-Za-z0-9._-]{1,249}");
  public static final Field QUEUE_TIMEOUT_SECONDS =
      Field.integer(
          "queueTimeoutSeconds",
          1,
          604_800,
          "Longest single wait for a slot; default per algorithm.");
  public static final Field EXECUTION_TIMEOUT_SECONDS =
      Field.integer(
          "executionTimeoutSeconds",
          1,
          86_400,
          "Longest wait for one attempt's callback; default per algorithm.");
  public static final Field MAX_ATTEMPTS =
      Field.integer("maxAttempts", 1, 10, "Default per algorithm.");
  public static final Field METADATA =
      Field.of("metadata", Shape.STRING_MAP, "Echoed back on the result.").atMostBytes(4 * 1024);

  /** Every field, in the contract's order. */
  public static final List<Field> FIELDS =
      List.of(
          TASK_ID,
          ALGORITHM,
          TENANT,
          PRIORITY,
          INPUT,
          PARAMS,
          REPLY_TOPIC,
          QUEUE_TIMEOUT_SECONDS,
          EXECUTION_TIMEOUT_SECONDS,
          MAX_ATTEMPTS,
          METADATA);

  /** The member of {@code input} that locates the document. */
  public static final String INPUT_URI = "uri";

  private TaskRequestRules() {}
}
