package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.TaskRecords;
import io.algotask.api.ApiTestSupport;
import io.algotask.workflows.model.TaskStatus;
import io.temporal.client.WorkflowClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records that PostgreSQL cannot store (text holding U+0000, contract section 7), one of each kind
 * on every partition of the request topic with a valid task behind them: none holds up the records
 * behind it. On topics, a consumer group and a task queue of its own, so that a stalled partition
 * can never hold up another test's intake.
 */
@SpringBootTest(
    properties = {
      "spring.grpc.server.port=0",
      "algotask.topics.requests=" + PoisonedRecordsIT.RUN + ".requests",
      "algotask.topics.results=" + PoisonedRecordsIT.RUN + ".results",
      "algotask.topics.dead-letter=" + PoisonedRecordsIT.RUN + ".dlq",
      "algotask.temporal.task-queue=" + PoisonedRecordsIT.RUN,
      "spring.kafka.consumer.group-id=" + PoisonedRecordsIT.RUN
    })
@ActiveProfiles("it")
class PoisonedRecordsIT {
  static final String RUN = "poison-it-1";
  private static final String NUL = "\\u0000"; // as JSON writes it: the parser reads U+0000
  private static final List<String> STARTED = new ArrayList<>();
  private static WorkflowClient temporalForCleanUp;

  @Autowired TaskRecords tasks;
  @Autowired WorkflowClient temporal;
  @Autowired JsonMapper json;

  /**
   * A poisoned request: its JSON members over a valid base, and the field it must be refused on.
   */
  private record Poison(String members, String field) {}

  private static final List<Poison> POISONS =
      List.of(
          new Poison("\"params\":{\"lang\":\"en" + NUL + "\"}", "params.lang"),
          new Poison("\"params\":{\"a" + NUL + "b\":\"x\"}", "params"),
          new Poison("\"params\":{\"pages\":[1,{\"note\":\"" + NUL + "\"}]}", "params.pages"),
          new Poison("\"metadata\":{\"k\":\"v" + NUL + "\"}", "metadata.k"),
          new Poison("\"metadata\":{\"k" + NUL + "\":\"v\"}", "metadata"),
          new Poison("\"algorithm\":\"no-such" + NUL + "\"", "algorithm"),
          new Poison("\"input\":{\"uri\":\"s3://algotask-documents/a" + NUL + "\"}", "input"),
          new Poison("\"note\":\"" + NUL + "\"", "note"));

  private static String newTaskId(String what) {
    return RUN + "-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aPoisonedRecordOnEveryPartitionHoldsUpNothingBehindIt() throws Exception {
    temporalForCleanUp = temporal;
    var properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    var poisoned = new HashMap<String, Poison>();
    var valid = new ArrayList<String>();
    var deadLetterKeys = new ArrayList<String>();
    try (var producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      var partitions = producer.partitionsFor(RUN + ".requests");
      assertThat(partitions).hasSizeGreaterThan(1);
      for (var partition : partitions) {
        var p = partition.partition();
        for (var poison : POISONS) {
          var taskId = newTaskId("poisoned");
          poisoned.put(taskId, poison);
          send(producer, p, taskId, request(taskId, poison.members()));
        }
        // no usable taskId: the dead-letter topic
        var key = newTaskId("dlq");
        deadLetterKeys.add(key);
        send(producer, p, key, "{\"taskId\":\"bad" + NUL + "\",\"algorithm\":\"ocr\"}");
        var behind = newTaskId("behind");
        valid.add(behind);
        STARTED.add(behind);
        send(producer, p, behind, request(behind, "\"priority\":2"));
      }
      producer.flush();
    }

    for (var taskId : valid) {
      var recorded = awaitRecorded(taskId);
      assertThat(recorded)
          .as(taskId + " behind the poisoned records")
          .isEqualTo(TaskStatus.ACCEPTED);
    }
    var results = read(RUN + ".results", poisoned.keySet(), poisoned.size());
    for (var entry : poisoned.entrySet()) {
      var copies = results.getOrDefault(entry.getKey(), List.of());
      assertThat(copies).as(entry.getValue() + ": one result").hasSize(1);
      var result = json.readTree(copies.get(0));
      assertThat(result.path("status").asString()).isEqualTo("REJECTED");
      assertThat(result.path("error").path("code").asString()).isEqualTo("INVALID_REQUEST");
      assertThat(result.path("error").path("message").asString())
          .as(entry.getValue().toString())
          .startsWith(entry.getValue().field())
          .contains("U+0000")
          .doesNotContain("\u0000");
      assertThat(tasks.findById(entry.getKey()).orElseThrow().status())
          .isEqualTo(TaskStatus.REJECTED);
    }
    var letters = read(RUN + ".dlq", deadLetterKeys, deadLetterKeys.size());
    for (var key : deadLetterKeys) {
      assertThat(letters.getOrDefault(key, List.of())).as(key).hasSize(1);
    }
  }

  private static String request(String taskId, String members) {
    return "{\"taskId\":\""
        + taskId
        + "\",\"algorithm\":\"ocr\",\"input\":{\"uri\":\"s3://algotask-documents/p.txt\"},"
        + members
        + "}";
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, int partition, String key, String value)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                RUN + ".requests", partition, key, value.getBytes(StandardCharsets.UTF_8)))
        .get(10, TimeUnit.SECONDS);
  }

  private TaskStatus awaitRecorded(String taskId) {
    return ApiTestSupport.awaitRecorded(tasks, taskId);
  }

  /**
   * The values of the wanted keys on the topic, read from its start: until count have come and a
   * second more has passed (a copy would come right behind), or for at most 30 seconds.
   */
  static Map<String, List<String>> read(
      String topic, java.util.Collection<String> keys, int count) {
    var properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    var found = new HashMap<String, List<String>>();
    try (var consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      var total = 0;
      var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      var quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (keys.contains(record.key())) {
            found.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
            total++;
          }
        }
        if (total >= count && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
      }
    }
    return found;
  }

  @AfterAll
  static void terminateStartedWorkflows() {
    if (temporalForCleanUp == null) {
      return;
    }
    for (var taskId : STARTED) {
      ApiTestSupport.terminate(temporalForCleanUp, taskId);
    }
  }
}
