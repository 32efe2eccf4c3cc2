package io.algotask.adapters.metrics;

import io.algotask.adapters.records.ResultRecord;
import io.algotask.adapters.records.TaskTransitions.CallbackVerdict;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The tasks' own metrics, by algorithm and tenant, recorded where their data is at hand: intake,
 * the first send of an attempt, the callback and the result's publishing. Each meter is built once
 * per set of tags and kept. Tags are bounded: an algorithm the registry does not know is tagged
 * {@code unknown}, a tenant as {@link MetricsProperties} says.
 */
@Component
@EnableConfigurationProperties(MetricsProperties.class)
public class TaskMetrics {
  public static final String SUBMITTED = "algotask.tasks.submitted";
  public static final String REJECTED = "algotask.tasks.rejected";
  public static final String QUEUE_WAIT = "algotask.tasks.queue.wait";
  public static final String RETRIES = "algotask.tasks.retries";
  public static final String ALGORITHM_TIME = "algotask.tasks.algorithm.time";
  public static final String CALLBACKS = "algotask.callbacks";
  public static final String ENDED = "algotask.tasks.ended";
  public static final String CALLBACK_TO_RESULT = "algotask.tasks.callback.to.result";
  public static final String DEAD_LETTERS = "algotask.intake.dead.letters";

  static final String UNKNOWN_ALGORITHM = "unknown";

  private final MeterRegistry meters;
  private final AlgorithmRegistry algorithms;
  private final TenantTags tenants;
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
  private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
  private final Counter deadLetters;

  public TaskMetrics(
      MeterRegistry meters, AlgorithmRegistry algorithms, MetricsProperties properties) {
    this.meters = meters;
    this.algorithms = algorithms;
    this.tenants = new TenantTags(properties);
    // registered at once, so that a rate over it has a zero to start from
    this.deadLetters =
        Counter.builder(DEAD_LETTERS)
            .description("records that are not tasks, sent to the dead-letter topic")
            .register(meters);
  }

  /** A task recorded now at intake. */
  public void submitted(String algorithm, String tenant) {
    counter(SUBMITTED, "tasks recorded at intake", algorithm, tenants.of(tenant)).increment();
  }

  /** A task rejected at intake, by the code of the rule it broke. */
  public void rejected(String algorithm, String tenant, String code) {
    counter(REJECTED, "tasks rejected at intake", algorithm, tenants.ofSeen(tenant), "code", code)
        .increment();
  }

  /**
   * An attempt sent for the first time: for the first attempt the task's wait from its submission
   * (its wait for a slot included), for a later one a retry.
   */
  public void attemptStarted(
      String algorithm, String tenant, int attempt, Instant submittedAt, Instant invokedAt) {
    if (attempt > 1) {
      counter(RETRIES, "attempts after a task's first", algorithm, tenants.of(tenant)).increment();
    } else if (submittedAt != null && invokedAt != null) {
      timer(QUEUE_WAIT, "from a task's submission to its first send", algorithm, tenants.of(tenant))
          .record(nonNegative(Duration.between(submittedAt, invokedAt)));
    }
  }

  /**
   * A callback as its record decided it; the one that decides its attempt also gives the
   * algorithm's time, from the attempt's first send.
   */
  public void callback(
      String algorithm,
      String tenant,
      CallbackVerdict verdict,
      Instant invokedAt,
      Instant arrivedAt) {
    counter(
            CALLBACKS,
            "callbacks by verdict",
            algorithm,
            tenants.of(tenant),
            "verdict",
            tagOf(verdict))
        .increment();
    if (verdict == CallbackVerdict.ACCEPTED && invokedAt != null) {
      timer(
              ALGORITHM_TIME,
              "from an attempt's first send to its callback",
              algorithm,
              tenants.of(tenant))
          .record(nonNegative(Duration.between(invokedAt, arrivedAt)));
    }
  }

  /** A verdict as its tag: {@code late} for a callback whose attempt was over. */
  private static String tagOf(CallbackVerdict verdict) {
    return verdict == CallbackVerdict.ATTEMPT_OVER
        ? "late"
        : verdict.name().toLowerCase().replace('_', '-');
  }

  /** A task's result, published for the first time. */
  public void resultPublished(ResultRecord task, Instant publishedAt) {
    counter(
            ENDED,
            "tasks ended, by status and error code",
            task.algorithm(),
            tenants.of(task.tenant()),
            "status",
            task.status().name(),
            "code",
            task.errorCode() == null ? "none" : task.errorCode())
        .increment();
    if (task.callbackAt() != null) {
      timer(
              CALLBACK_TO_RESULT,
              "from the callback that ended a task to its result on Kafka",
              task.algorithm(),
              tenants.of(task.tenant()))
          .record(nonNegative(Duration.between(task.callbackAt(), publishedAt)));
    }
  }

  /** A record sent to the dead-letter topic. */
  public void deadLettered() {
    deadLetters.increment();
  }

  private Counter counter(
      String name, String description, String algorithm, String tenantTag, String... extra) {
    return counters.computeIfAbsent(
        key(name, algorithm, tenantTag, extra),
        key -> Counter.builder(name).description(description).tags(tags(key)).register(meters));
  }

  private Timer timer(String name, String description, String algorithm, String tenantTag) {
    return timers.computeIfAbsent(
        key(name, algorithm, tenantTag),
        key ->
            Timer.builder(name)
                .description(description)
                .tags(tags(key))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(2))
                .register(meters));
  }

  /** name, algorithm tag, tenant tag, then further tag names and values. */
  private List<String> key(String name, String algorithm, String tenantTag, String... extra) {
    var key = new String[3 + extra.length];
    key[0] = name;
    key[1] = algorithmTag(algorithm);
    key[2] = tenantTag;
    System.arraycopy(extra, 0, key, 3, extra.length);
    return List.of(key);
  }

  private static String[] tags(List<String> key) {
    var tags = new String[key.size() + 1];
    tags[0] = "algorithm";
    tags[1] = key.get(1);
    tags[2] = "tenant";
    tags[3] = key.get(2);
    for (var i = 3; i < key.size(); i++) {
      tags[i + 1] = key.get(i);
    }
    return tags;
  }

  private String algorithmTag(String algorithm) {
    return algorithm != null && algorithms.isKnown(algorithm) ? algorithm : UNKNOWN_ALGORITHM;
  }

  private static Duration nonNegative(Duration duration) {
    return duration.isNegative() ? Duration.ZERO : duration;
  }
}
