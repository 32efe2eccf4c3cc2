package io.algotask.api.intake;

import io.algotask.adapters.kafka.ReplyTopics;
import io.algotask.adapters.kafka.TopicProperties;
import io.algotask.adapters.registry.AlgorithmSettings;
import io.algotask.adapters.storage.ObjectStorageProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * A parser for unit tests: one algorithm, {@code ocr}; one input bucket, {@code
 * algotask-documents}; reply topics starting with {@code missing.} do not exist.
 */
final class TestParsers {
  private TestParsers() {}

  /**
   * The parser of the contract's tests: the default topic names, replies allowed on topics starting
   * with {@code algotask.}, {@code acme.} or {@code missing.}, inputs under the tenant's prefix.
   */
  static TaskRequestParser parser() {
    return parser(
        new TopicProperties(
            "algotask.task.requests",
            "algotask.task.results",
            "algotask.task.requests.dlq",
            "(algotask|acme|missing)\\..+",
            3,
            Duration.ofSeconds(10)),
        ObjectStorageProperties.TENANT_INPUT_PREFIX);
  }

  static TaskRequestParser parser(TopicProperties topics, String tenantInputPrefix) {
    return new TaskRequestParser(
        JsonMapper.builder().build(),
        name ->
            Optional.of(
                    new AlgorithmSettings(
                        "ocr",
                        URI.create("http://127.0.0.1:1/ocr"),
                        null,
                        3,
                        Duration.ofMinutes(30),
                        Duration.ofMinutes(2),
                        3))
                .filter(ocr -> ocr.name().equals(name)),
        topics,
        new ObjectStorageProperties(
            URI.create("http://127.0.0.1:8333"),
            "us-east-1",
            "k",
            "s",
            "algotask-results",
            List.of("algotask-documents"),
            false,
            Duration.ofHours(24),
            Duration.ofMinutes(15),
            tenantInputPrefix,
            true),
        new ReplyTopics(null, null) {
          @Override
          public Usability check(String topic) {
            return topic.startsWith("missing.") ? Usability.MISSING : Usability.USABLE;
          }
        });
  }
}
