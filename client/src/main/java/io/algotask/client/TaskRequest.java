package io.algotask.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A task to hand over (contract section 1, {@code docs/schemas/task-request.schema.json}), the same
 * through every door. Unset fields take Algotask's defaults. Algotask checks every rule; the
 * builder checks only what a Java type cannot say.
 *
 * <pre>{@code
 * TaskRequest.builder("invoice-42", "ocr").tenant("acme").input("s3://docs/acme/invoice-42.pdf")
 *     .priority(2).metadata("order", "42").build();
 * }</pre>
 */
public final class TaskRequest {
  private final String taskId;
  private final String algorithm;
  private final String tenant;
  private final Integer priority;
  private final String inputUri;
  private final Map<String, Object> params;
  private final String replyTopic;
  private final Integer queueTimeoutSeconds;
  private final Integer executionTimeoutSeconds;
  private final Integer maxAttempts;
  private final Map<String, String> metadata;

  private TaskRequest(Builder builder) {
    taskId = builder.taskId;
    algorithm = builder.algorithm;
    tenant = builder.tenant;
    priority = builder.priority;
    inputUri = builder.inputUri;
    params = builder.params == null ? null : Map.copyOf(builder.params);
    replyTopic = builder.replyTopic;
    queueTimeoutSeconds = builder.queueTimeoutSeconds;
    executionTimeoutSeconds = builder.executionTimeoutSeconds;
    maxAttempts = builder.maxAttempts;
    metadata = Map.copyOf(builder.metadata);
  }

  /**
   * @param taskId the idempotency key: unique across all tenants, {@code
   *     [A-Za-z0-9][A-Za-z0-9._:-]{0,127}}; a taskId seen before never runs again
   * @param algorithm a registered algorithm
   */
  public static Builder builder(String taskId, String algorithm) {
    return new Builder(taskId, algorithm);
  }

  public String taskId() {
    return taskId;
  }

  public String algorithm() {
    return algorithm;
  }

  /** Or null: Algotask's default, {@code default}. */
  public String tenant() {
    return tenant;
  }

  /** Or null: Algotask's default, 3. */
  public Integer priority() {
    return priority;
  }

  /** The document to process, {@code s3://bucket/key}, or null. */
  public String inputUri() {
    return inputUri;
  }

  /** Free-form algorithm parameters (values as Jackson writes them), or null. */
  public Map<String, Object> params() {
    return params;
  }

  /** Or null: Algotask's results topic. */
  public String replyTopic() {
    return replyTopic;
  }

  /** Or null: the algorithm's default. */
  public Integer queueTimeoutSeconds() {
    return queueTimeoutSeconds;
  }

  /** Or null: the algorithm's default. */
  public Integer executionTimeoutSeconds() {
    return executionTimeoutSeconds;
  }

  /** Or null: the algorithm's default. */
  public Integer maxAttempts() {
    return maxAttempts;
  }

  /** Echoed back on the result; empty when there is none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Builds a {@link TaskRequest}; each setter replaces what was set before. */
  public static final class Builder {
    private final String taskId;
    private final String algorithm;
    private String tenant;
    private Integer priority;
    private String inputUri;
    private Map<String, Object> params;
    private String replyTopic;
    private Integer queueTimeoutSeconds;
    private Integer executionTimeoutSeconds;
    private Integer maxAttempts;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder(String taskId, String algorithm) {
      this.taskId = Objects.requireNonNull(taskId, "taskId");
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    }

    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    /** 1 (most urgent) to 5. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /** The document to process: {@code s3://bucket/key}. */
    public Builder input(String uri) {
      this.inputUri = uri;
      return this;
    }

    /** Free-form algorithm parameters: strings, numbers, booleans, lists and maps of them. */
    public Builder params(Map<String, ?> params) {
      this.params = params == null ? null : new LinkedHashMap<>(params);
      return this;
    }

    public Builder replyTopic(String topic) {
      this.replyTopic = topic;
      return this;
    }

    /** The longest single wait for a concurrency slot, in whole seconds (1 s to 7 days). */
    public Builder queueTimeout(Duration timeout) {
      this.queueTimeoutSeconds = wholeSeconds(timeout, "queueTimeout");
      return this;
    }

    /** The longest wait for one attempt's callback, in whole seconds (1 s to 1 day). */
    public Builder executionTimeout(Duration timeout) {
      this.executionTimeoutSeconds = wholeSeconds(timeout, "executionTimeout");
      return this;
    }

    /** 1 to 10. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Adds a metadata entry, echoed back on the result. */
    public Builder metadata(String name, String value) {
      metadata.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder metadata(Map<String, String> entries) {
      entries.forEach(this::metadata);
      return this;
    }

    public TaskRequest build() {
      return new TaskRequest(this);
    }

    private static int wholeSeconds(Duration timeout, String name) {
      if (timeout.toNanosPart() != 0 || timeout.getSeconds() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + " must be whole seconds: " + timeout);
      }
      return (int) timeout.getSeconds();
    }
  }
}
