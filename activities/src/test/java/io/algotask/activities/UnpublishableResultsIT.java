package io.algotask.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.AdaptersTestApplication;
import io.algotask.adapters.contract.TaskRequest;
import io.algotask.adapters.records.TaskStore;
import io.algotask.adapters.results.ResultReporter;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.adapters.storage.ObjectStorage;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.task.TaskRecordActivities.TaskCompletion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/**
 * Results that their reply topic can never take, over the real broker and store (contract section
 * 7): the finish step ends, and each task has exactly one result, on the default results topic when
 * its own topic refuses it.
 */
@SpringBootTest(
    classes = AdaptersTestApplication.class,
    properties = "algotask.topics.results=" + UnpublishableResultsIT.RESULTS)
@ActiveProfiles("it")
class UnpublishableResultsIT {
  static final String RESULTS = "unpublishable-it.results";

  @Autowired TaskStore store;
  @Autowired ResultReporter results;
  @Autowired AlgorithmSlots slots;
  @Autowired ObjectStorage storage;
  @Autowired JsonMapper json;
  @Autowired Admin admin;

  private TaskRecordActivitiesImpl finishStep() {
    // the finish step cancels no attempt
    return new TaskRecordActivitiesImpl(store, slots, results, storage, json, null);
  }

  private String runningTask(String replyTopic, Map<String, String> metadata) {
    var taskId = "unpublishable-" + UUID.randomUUID();
    var request =
        new TaskRequest(taskId, "ocr", "acme", 3, null, null, replyTopic, 60, 60, 1, metadata);
    store.insertIfAbsent(
        new TaskStore.NewTask(
            taskId,
            "ocr",
            "acme",
            3,
            TaskStatus.ACCEPTED,
            replyTopic,
            json.writeValueAsString(request),
            null,
            null,
            Instant.now().truncatedTo(ChronoUnit.MICROS),
            null));
    return taskId;
  }

  private void createTopic(String topic, Map<String, String> config) throws Exception {
    try {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(config)))
          .all()
          .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  @Test
  void aTwoMegabyteErrorMessageEndsTheTaskWithOneResultCutTo4KiB() throws Exception {
    createTopic(RESULTS, Map.of());
    var taskId = runningTask(RESULTS, Map.of("order", "o-1"));

    finishStep()
        .finish(
            new TaskCompletion(
                taskId,
                "ocr",
                1,
                TaskStatus.FAILED,
                ErrorCode.ALGORITHM_ERROR,
                "m".repeat(2 * 1024 * 1024),
                null,
                null,
                "event-" + taskId));

    var published = read(RESULTS, taskId);
    assertThat(published).hasSize(1);
    var result = json.readTree(published.get(0).value());
    var message = result.path("error").path("message").asString();
    assertThat(message).startsWith("mmm").endsWith("…");
    assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    assertThat(store.find(taskId).orElseThrow().resultPublishedAt()).isNotNull();
  }

  @Test
  void aResultTooLargeForItsReplyTopicGoesToTheDefaultTopicSayingWhy() throws Exception {
    createTopic(RESULTS, Map.of());
    var small = "unpublishable-it.small";
    createTopic(small, Map.of("max.message.bytes", "1024"));
    var taskId = runningTask(small, Map.of("note", "n".repeat(2000)));
    var finish =
        new TaskCompletion(
            taskId,
            "ocr",
            1,
            TaskStatus.FAILED,
            ErrorCode.ALGORITHM_ERROR,
            "the algorithm failed",
            null,
            null,
            "event-" + taskId);

    finishStep().finish(finish);
    finishStep().finish(finish); // a retried step publishes nothing more

    var published = read(RESULTS, taskId);
    assertThat(published).hasSize(1);
    var header = published.get(0).headers().lastHeader("algotask-reply-error");
    assertThat(header).isNotNull();
    assertThat(new String(header.value(), StandardCharsets.UTF_8))
        .contains(small)
        .contains("too large");
    var result = json.readTree(published.get(0).value());
    assertThat(result.path("status").asString()).isEqualTo("FAILED");
    assertThat(result.path("metadata").path("note").asString()).hasSize(2000);
    assertThat(read(small, taskId, Duration.ofSeconds(3))).isEmpty();
  }

  /** The records of the task on the topic, from its start, with a second's wait for extras. */
  private static List<ConsumerRecord<String, String>> read(String topic, String taskId) {
    return read(topic, taskId, Duration.ofSeconds(20));
  }

  private static List<ConsumerRecord<String, String>> read(
      String topic, String taskId, Duration patience) {
    var properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    var found = new ArrayList<ConsumerRecord<String, String>>();
    try (var consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      var deadline = System.nanoTime() + patience.toNanos();
      var quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (taskId.equals(record.key())) {
            found.add(record);
            quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
          }
        }
      }
    }
    return found;
  }
}
