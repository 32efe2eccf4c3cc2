package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.api.ApiTestSupport;
import io.algotask.workflows.model.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A corpus of bad Kafka requests (contract section 1), sent all at once to the real listener. Each
 * gets the contract's answer exactly once: what is not a task goes to the dead-letter topic
 * unchanged with the reason, a task that breaks a rule gets one REJECTED result naming it. None is
 * lost, and none stops the listener: a valid task sent after them is recorded.
 */
class BadInputCorpusIT extends ApiTestSupport {
  private static final String REQUESTS = "api-it.requests";
  private static final String RESULTS = "api-it.results";
  private static final String DEAD_LETTERS = "api-it.dlq";
  private static final String DOCUMENT = "s3://algotask-documents/corpus/page.txt";

  /** A bad input and the answer the contract gives it. */
  private record Case(String name, String key, byte[] value, Answer answer) {}

  /**
   * @param deadLetter true: to the dead-letter topic with a reason containing {@code expect};
   *     false: a REJECTED result with the error code {@code expect} and a message naming {@code
   *     field}
   */
  private record Answer(boolean deadLetter, String expect, String field) {
    static Answer deadLetter(String reason) {
      return new Answer(true, reason, null);
    }

    static Answer rejected(String code, String field) {
      return new Answer(false, code, field);
    }
  }

  private final List<Case> corpus = new ArrayList<>();

  private void notATask(String name, String value, String reason) {
    var key = "corpus-" + UUID.randomUUID();
    corpus.add(
        new Case(name, key, value.getBytes(StandardCharsets.UTF_8), Answer.deadLetter(reason)));
  }

  /** A request with a usable taskId and the given fields (raw JSON members) over a valid base. */
  private void breaks(String name, String members, String code, String field) {
    var taskId = newTaskId("corpus");
    var json =
        "{\"taskId\":\""
            + taskId
            + "\",\"algorithm\":\""
            + ALGORITHM
            + "\",\"input\":{\"uri\":\""
            + DOCUMENT
            + "\""
            + "},"
            + members
            + "}";
    // a later member of the same name wins in the parser, so members override the base
    corpus.add(
        new Case(
            name, taskId, json.getBytes(StandardCharsets.UTF_8), Answer.rejected(code, field)));
  }

  private static String repeat(char c, int times) {
    var chars = new char[times];
    Arrays.fill(chars, c);
    return new String(chars);
  }

  private void buildCorpus() {
    notATask("not JSON", "{oops", "not JSON");
    notATask("empty record", "", "not");
    notATask("a JSON array", "[{\"taskId\":\"x\"}]", "not a JSON object");
    notATask("a JSON string", "\"doc-1\"", "not a JSON object");
    notATask("a JSON number", "42", "not a JSON object");
    notATask(
        "binary garbage",
        new String(new byte[] {1, 2, (byte) 0xff}, StandardCharsets.ISO_8859_1),
        "not JSON");
    notATask("no taskId", "{\"algorithm\":\"" + ALGORITHM + "\"}", "taskId");
    notATask("taskId a number", "{\"taskId\":42}", "taskId");
    notATask("taskId null", "{\"taskId\":null}", "taskId");
    notATask("taskId ..", "{\"taskId\":\"..\"}", "taskId");
    notATask("taskId ../etc/passwd", "{\"taskId\":\"../etc/passwd\"}", "taskId");
    notATask("taskId with a slash", "{\"taskId\":\"a/b\"}", "taskId");
    notATask("taskId of 129 characters", "{\"taskId\":\"" + repeat('a', 129) + "\"}", "taskId");
    notATask("taskId empty", "{\"taskId\":\"\"}", "taskId");
    notATask("taskId holding U+0000", "{\"taskId\":\"a\\u0000\"}", "taskId");

    breaks(
        "unknown algorithm",
        "\"algorithm\":\"no-such-algorithm\"",
        "UNKNOWN_ALGORITHM",
        "algorithm");
    breaks(
        "unknown algorithm holding U+0000",
        "\"algorithm\":\"no-such\\u0000algorithm\"",
        "INVALID_REQUEST",
        "algorithm");
    breaks(
        "params holding U+0000",
        "\"params\":{\"dpi\":{\"x\":\"3\\u000000\"}}",
        "INVALID_REQUEST",
        "params.dpi.x");
    breaks(
        "a params name holding U+0000",
        "\"params\":{\"d\\u0000pi\":300}",
        "INVALID_REQUEST",
        "params");
    breaks(
        "metadata value holding U+0000",
        "\"metadata\":{\"order\":\"o-\\u00001\"}",
        "INVALID_REQUEST",
        "metadata.order");
    breaks(
        "metadata key holding U+0000",
        "\"metadata\":{\"or\\u0000der\":\"o-1\"}",
        "INVALID_REQUEST",
        "metadata");
    breaks(
        "half of a surrogate pair",
        "\"metadata\":{\"order\":\"\\udc00\"}",
        "INVALID_REQUEST",
        "metadata.order");
    breaks("an unknown field holding U+0000", "\"note\":\"\\u0000\"", "INVALID_REQUEST", "note");
    breaks("algorithm a number", "\"algorithm\":7", "INVALID_REQUEST", "algorithm");
    breaks(
        "tenant not allowed by the pattern", "\"tenant\":\"-acme\"", "INVALID_REQUEST", "tenant");
    breaks("priority 0", "\"priority\":0", "INVALID_REQUEST", "priority");
    breaks("priority 6", "\"priority\":6", "INVALID_REQUEST", "priority");
    breaks("priority a string", "\"priority\":\"high\"", "INVALID_REQUEST", "priority");
    breaks("priority a fraction", "\"priority\":2.5", "INVALID_REQUEST", "priority");
    breaks(
        "queue timeout 0", "\"queueTimeoutSeconds\":0", "INVALID_REQUEST", "queueTimeoutSeconds");
    breaks(
        "queue timeout over a week",
        "\"queueTimeoutSeconds\":604801",
        "INVALID_REQUEST",
        "queueTimeoutSeconds");
    breaks(
        "execution timeout over a day",
        "\"executionTimeoutSeconds\":86401",
        "INVALID_REQUEST",
        "executionTimeoutSeconds");
    breaks("max attempts 11", "\"maxAttempts\":11", "INVALID_REQUEST", "maxAttempts");
    breaks("params not an object", "\"params\":\"dpi=300\"", "INVALID_REQUEST", "params");
    breaks(
        "params over 64 KiB (a huge record)",
        "\"params\":{\"blob\":\"" + repeat('x', 200 * 1024) + "\"}",
        "INVALID_REQUEST",
        "params");
    breaks(
        "metadata over 4 KiB",
        "\"metadata\":{\"note\":\"" + repeat('m', 5 * 1024) + "\"}",
        "INVALID_REQUEST",
        "metadata");
    breaks("metadata not all strings", "\"metadata\":{\"n\":1}", "INVALID_REQUEST", "metadata");
    breaks(
        "input in a bucket not allowed",
        "\"input\":{\"uri\":\"s3://someone-elses-bucket/doc.pdf\"}",
        "INVALID_REQUEST",
        "input.uri");
    breaks(
        "input not an s3 uri",
        "\"input\":{\"uri\":\"http://example.com/doc.pdf\"}",
        "INVALID_REQUEST",
        "input.uri");
    breaks(
        "reply topic internal",
        "\"replyTopic\":\"__consumer_offsets\"",
        "INVALID_REQUEST",
        "replyTopic");
    breaks(
        "reply topic the request topic",
        "\"replyTopic\":\"" + REQUESTS + "\"",
        "INVALID_REQUEST",
        "replyTopic");
    breaks(
        "reply topic the dead-letter topic",
        "\"replyTopic\":\"" + DEAD_LETTERS + "\"",
        "INVALID_REQUEST",
        "replyTopic");
    breaks(
        "reply topic not a topic name",
        "\"replyTopic\":\"no spaces allowed\"",
        "INVALID_REQUEST",
        "replyTopic");
  }

  @Test
  void everyBadRequestGetsTheContractsAnswerOnceAndTheListenerGoesOn() throws Exception {
    buildCorpus();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(25);
    var deadLettersFrom = endOffsets(DEAD_LETTERS);
    var resultsFrom = endOffsets(RESULTS);

    var properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    try (var producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      for (var each : corpus) {
        producer.send(new ProducerRecord<>(REQUESTS, each.key(), each.value()));
      }
      producer.flush();
    }
    // sent after the corpus, on the same partitions: recorded only if no bad record stopped them
    var valid = newTaskId("after-corpus");
    try (var producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  REQUESTS,
                  valid,
                  ("{\"taskId\":\""
                          + valid
                          + "\",\"algorithm\":\""
                          + ALGORITHM
                          + "\",\"input\":{\"uri\":\""
                          + DOCUMENT
                          + "\"}}")
                      .getBytes(StandardCharsets.UTF_8)))
          .get(10, TimeUnit.SECONDS);
    }

    var expectedDeadLetters = corpus.stream().filter(c -> c.answer().deadLetter()).count();
    var expectedResults = corpus.size() - expectedDeadLetters;
    var deadLetters = read(DEAD_LETTERS, deadLettersFrom, (int) expectedDeadLetters);
    var results = read(RESULTS, resultsFrom, (int) expectedResults);

    var report = new ArrayList<String>();
    report.add("| bad input | answer | what happened |");
    report.add("|---|---|---|");
    for (var each : corpus) {
      if (each.answer().deadLetter()) {
        var copies = deadLetters.getOrDefault(each.key(), List.of());
        assertThat(copies).as(each.name() + ": one dead letter").hasSize(1);
        var copy = copies.get(0);
        assertThat(copy.value()).as(each.name() + ": unchanged").isEqualTo(each.value());
        assertThat(copy.reason()).as(each.name()).isNotNull().contains(each.answer().expect());
        report.add(
            "| "
                + each.name()
                + " | dead-letter topic | unchanged, `algotask-error`: "
                + copy.reason()
                + " |");
      } else {
        var copies = results.getOrDefault(each.key(), List.of());
        assertThat(copies).as(each.name() + ": one result").hasSize(1);
        var result = json.readTree(copies.get(0).value());
        assertThat(result.path("status").asString()).as(each.name()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("code").asString())
            .as(each.name())
            .isEqualTo(each.answer().expect());
        var message = result.path("error").path("message").asString();
        assertThat(message).as(each.name()).startsWith(each.answer().field());
        assertThat(tasks.findById(each.key()).orElseThrow().status())
            .as(each.name() + ": its taskId is used up")
            .isEqualTo(TaskStatus.REJECTED);
        report.add(
            "| "
                + each.name()
                + " | REJECTED result | `"
                + each.answer().expect()
                + "`: "
                + abbreviate(message)
                + " |");
      }
    }
    var recorded =
        await(
            "the valid task after the corpus recorded",
            Duration.ofSeconds(30),
            () -> tasks.findById(valid).orElse(null));
    assertThat(recorded.status()).isNotEqualTo(TaskStatus.REJECTED);
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "bad-input-report.md"), report);
  }

  private static String abbreviate(String message) {
    return message.length() <= 120 ? message : message.substring(0, 117) + "...";
  }

  /** A record read back: its value, and the dead-letter reason header if any. */
  private record Copy(byte[] value, String reason) {}

  private static Map<TopicPartition, Long> endOffsets(String topic) {
    try (var consumer = consumer()) {
      var partitions = new ArrayList<TopicPartition>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      return consumer.endOffsets(partitions);
    }
  }

  /**
   * Reads from the offsets until {@code count} records arrived, and two seconds more for extras.
   */
  private static Map<String, List<Copy>> read(
      String topic, Map<TopicPartition, Long> from, int count) {
    var found = new HashMap<String, List<Copy>>();
    try (var consumer = consumer()) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      var total = 0;
      var deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      var quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          var header = record.headers().lastHeader("algotask-error");
          found
              .computeIfAbsent(record.key(), k -> new ArrayList<>())
              .add(
                  new Copy(
                      record.value(),
                      header == null ? null : new String(header.value(), StandardCharsets.UTF_8)));
          total++;
        }
        if (total >= count && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return found;
  }

  private static KafkaConsumer<String, byte[]> consumer() {
    var properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * 1024 * 1024);
    return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
