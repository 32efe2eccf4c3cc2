package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.records.TaskRecords;
import io.algotask.api.ApiTestSupport;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
 * Kafka intake over the real stack (contract section 1), on topics and a task queue of its own. No
 * worker polls that task queue: started workflows are checked, then terminated.
 */
@SpringBootTest(
    properties = {
      "spring.grpc.server.port=0",
      "algotask.topics.requests=" + TaskIntakeIT.RUN + ".requests",
      "algotask.topics.results=" + TaskIntakeIT.RUN + ".results",
      "algotask.topics.dead-letter=" + TaskIntakeIT.RUN + ".dlq",
      "algotask.topics.allowed-reply-topics=" + TaskIntakeIT.RUN + "\\..+",
      "algotask.temporal.task-queue=" + TaskIntakeIT.RUN,
      "spring.kafka.consumer.group-id=" + TaskIntakeIT.RUN
    })
@ActiveProfiles("it")
class TaskIntakeIT {
  static final String RUN = "intake-it-1";
  private static final List<String> STARTED = new ArrayList<>();
  private static WorkflowClient temporalForCleanUp;

  @Autowired TaskRecords tasks;
  @Autowired WorkflowClient temporal;
  @Autowired JsonMapper json;
  @Autowired Admin admin;

  private static String newTaskId() {
    return RUN + "-" + UUID.randomUUID();
  }

  /** Sends the bytes as they are: a record need not be text to be submitted. */
  private void submit(String key, byte[] value) throws Exception {
    var properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    try (var producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(RUN + ".requests", key, value)).get(10, TimeUnit.SECONDS);
    }
  }

  private void submit(String taskId, String json) throws Exception {
    submit(taskId, json.getBytes(StandardCharsets.UTF_8));
  }

  private <V> List<ConsumerRecord<String, V>> read(
      String topic,
      Class<?> valueDeserializer,
      java.util.function.Predicate<ConsumerRecord<String, V>> wanted,
      int count,
      Duration patience) {
    var properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer);
    var found = new ArrayList<ConsumerRecord<String, V>>();
    try (var consumer = new KafkaConsumer<String, V>(properties)) {
      consumer.subscribe(List.of(topic));
      var deadline = System.nanoTime() + patience.toNanos();
      while (found.size() < count && System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (wanted.test(record)) {
            found.add(record);
          }
        }
      }
    }
    return found;
  }

  private TaskStatus awaitRecorded(String taskId) {
    return ApiTestSupport.awaitRecorded(tasks, taskId);
  }

  /** The workflow is started right after the record is written: wait for it a moment. */
  private WorkflowExecutionStatus awaitWorkflowStatus(String taskId) {
    return await("the workflow of " + taskId)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(WorkflowNotFoundException.class)
        .until(() -> workflowStatus(taskId), Objects::nonNull);
  }

  private WorkflowExecutionStatus workflowStatus(String taskId) {
    return temporal.newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId)).describe().getStatus();
  }

  @AfterAll
  static void terminateStartedWorkflows() {
    for (var taskId : STARTED) {
      ApiTestSupport.terminate(temporalForCleanUp, taskId);
    }
  }

  @Test
  void aValidTaskIsRecordedAndItsWorkflowStartedOnceEvenWhenSubmittedTwice() throws Exception {
    temporalForCleanUp = temporal;
    var taskId = newTaskId();
    STARTED.add(taskId);
    var request =
        "{\"taskId\":\"" + taskId + "\",\"algorithm\":\"ocr\",\"tenant\":\"acme\",\"priority\":2}";

    submit(taskId, request);
    assertThat(awaitRecorded(taskId)).isEqualTo(TaskStatus.ACCEPTED);
    var recordedAt = tasks.findById(taskId).orElseThrow().submittedAt();
    assertThat(awaitWorkflowStatus(taskId))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    var shown = temporal.newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId)).describe();
    assertThat(shown.getStaticSummary()).isEqualTo("ocr for acme, priority 2");
    var fairness = shown.getRawDescription().getWorkflowExecutionInfo().getPriority();
    assertThat(fairness.getFairnessKey()).as("Temporal's fairness key").isEqualTo("acme");
    assertThat(fairness.getFairnessWeight()).as("acme weighs 1 for ocr").isEqualTo(1.0f);
    assertThat(shown.getStaticDetails())
        .startsWith("task **" + taskId + "**, submitted " + recordedAt)
        .contains("queue timeout ");

    submit(taskId, request.replace("\"priority\":2", "\"priority\":5"));
    var marker = newTaskId(); // a later record on the same partition shows the first was taken
    STARTED.add(marker);
    submit(taskId, "{\"taskId\":\"" + marker + "\",\"algorithm\":\"ocr\"}");
    awaitRecorded(marker);

    var task = tasks.findById(taskId).orElseThrow();
    assertThat(task.submittedAt()).isEqualTo(recordedAt);
    assertThat(task.priority()).as("the first request stands").isEqualTo(2);
    assertThat(workflowStatus(taskId))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void whatIsNotATaskGoesToTheDeadLetterTopicUnchanged() throws Exception {
    var key = "dlq-" + UUID.randomUUID();
    byte[] notJson = {(byte) 0xff, (byte) 0xfe, 'x'};
    submit(key, notJson);
    submit(key, "{\"algorithm\":\"ocr\"}".getBytes(StandardCharsets.UTF_8));

    List<ConsumerRecord<String, byte[]>> letters =
        read(
            RUN + ".dlq",
            ByteArrayDeserializer.class,
            r -> key.equals(r.key()),
            2,
            Duration.ofSeconds(30));

    assertThat(letters).hasSize(2);
    assertThat(
            new String(
                letters.get(0).headers().lastHeader("algotask-error").value(),
                StandardCharsets.UTF_8))
        .startsWith("not JSON");
    assertThat(
            new String(
                letters.get(1).headers().lastHeader("algotask-error").value(),
                StandardCharsets.UTF_8))
        .startsWith("no usable taskId");
    assertThat(letters.get(0).value()).as("unchanged, byte for byte").isEqualTo(notJson);
    assertThat(letters.get(1).value())
        .isEqualTo("{\"algorithm\":\"ocr\"}".getBytes(StandardCharsets.UTF_8));
  }

  /** A topic as a business service would have created it before naming it as its replyTopic. */
  private void createTopic(String topic) throws Exception {
    try {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  @Test
  void aReplyTopicThatDoesNotExistIsRejectedOnTheDefaultTopic() throws Exception {
    var taskId = newTaskId();
    var missing = RUN + ".missing-" + UUID.randomUUID();

    submit(
        taskId,
        "{\"taskId\":\"" + taskId + "\",\"algorithm\":\"ocr\",\"replyTopic\":\"" + missing + "\"}");

    List<ConsumerRecord<String, String>> onDefault =
        read(
            RUN + ".results",
            StringDeserializer.class,
            r -> taskId.equals(r.key()),
            1,
            Duration.ofSeconds(30));
    assertThat(onDefault).hasSize(1);
    var rejected = json.readTree(onDefault.get(0).value());
    assertThat(rejected.path("status").asString()).isEqualTo("REJECTED");
    assertThat(rejected.path("error").path("code").asString()).isEqualTo("INVALID_REQUEST");
    assertThat(rejected.path("error").path("message").asString())
        .startsWith("replyTopic")
        .contains("does not exist");
    assertThat(tasks.findById(taskId).orElseThrow().status()).isEqualTo(TaskStatus.REJECTED);
    assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
        .as("nothing created the topic")
        .doesNotContain(missing);
  }

  @Test
  void aTaskThatBreaksARuleGetsOneRejectedResultAndUsesUpItsTaskId() throws Exception {
    createTopic(RUN + ".custom");
    var unknown = newTaskId();
    var badReplyTopic = newTaskId();
    submit(
        unknown,
        "{\"taskId\":\""
            + unknown
            + "\",\"algorithm\":\"nope\",\"replyTopic\":\""
            + RUN
            + ".custom\",\"metadata\":{\"k\":\"v\"}}");
    submit(
        badReplyTopic,
        "{\"taskId\":\"" + badReplyTopic + "\",\"algorithm\":\"ocr\",\"replyTopic\":\"__secret\"}");
    // the same taskId again, now valid: used up, nothing starts
    submit(unknown, "{\"taskId\":\"" + unknown + "\",\"algorithm\":\"ocr\"}");

    List<ConsumerRecord<String, String>> onCustom =
        read(
            RUN + ".custom",
            StringDeserializer.class,
            r -> unknown.equals(r.key()),
            1,
            Duration.ofSeconds(30));
    List<ConsumerRecord<String, String>> onDefault =
        read(
            RUN + ".results",
            StringDeserializer.class,
            r -> badReplyTopic.equals(r.key()),
            1,
            Duration.ofSeconds(30));

    assertThat(onCustom).hasSize(1);
    var rejected = json.readTree(onCustom.get(0).value());
    assertThat(rejected.path("status").asString()).isEqualTo("REJECTED");
    assertThat(rejected.path("error").path("code").asString()).isEqualTo("UNKNOWN_ALGORITHM");
    assertThat(rejected.path("eventId").asString()).isNotBlank();
    assertThat(rejected.path("metadata").path("k").asString()).isEqualTo("v");
    assertThat(onDefault).hasSize(1);
    var invalid = json.readTree(onDefault.get(0).value());
    assertThat(invalid.path("error").path("code").asString()).isEqualTo("INVALID_REQUEST");
    assertThat(invalid.path("error").path("message").asString()).startsWith("replyTopic");

    assertThat(tasks.findById(unknown).orElseThrow().status()).isEqualTo(TaskStatus.REJECTED);
    // a second copy would have come right behind the first
    assertThat(
            read(
                RUN + ".custom",
                StringDeserializer.class,
                r -> unknown.equals(r.key()),
                2,
                Duration.ofSeconds(3)))
        .as("one result per taskId")
        .hasSize(1);
  }
}
