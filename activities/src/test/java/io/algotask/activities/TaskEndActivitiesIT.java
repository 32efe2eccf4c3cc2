package io.algotask.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.kafka.ResultPublisher;
import io.algotask.adapters.kafka.TopicProperties;
import io.algotask.adapters.records.TaskExecutionRecords;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.task.SlotActivities;
import io.algotask.workflows.task.SlotActivities.SlotRequest;
import io.algotask.workflows.task.TaskEndActivities;
import io.algotask.workflows.task.TaskEndActivities.TaskEnd;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/**
 * The end of a task in one step, over the real records, slots and broker: its outcome recorded, its
 * slot handed on, its result published once however often the step runs.
 */
@SpringBootTest
@ActiveProfiles("it")
class TaskEndActivitiesIT {
  @Autowired TaskEndActivitiesImpl implementation;
  @Autowired SlotActivitiesImpl slotImplementation;
  @Autowired TestTasks tasks;
  @Autowired TaskTransitions transitions;
  @Autowired TaskRecords records;
  @Autowired TaskExecutionRecords executions;
  @Autowired JsonMapper json;
  @Autowired KafkaAdmin kafkaAdmin;
  @Autowired TopicProperties topics;
  @Autowired ConsumerFactory<String, String> consumers;

  private TestActivityEnvironment env;
  private TaskEndActivities taskEnd;
  private SlotActivities slots;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(implementation, slotImplementation);
    taskEnd = env.newActivityStub(TaskEndActivities.class);
    slots = env.newActivityStub(SlotActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
    tasks.forget();
  }

  @Test
  void theOutcomeIsRecordedTheSlotHandedOnAndTheResultPublishedOnce() {
    var algorithm = tasks.algorithm(1);
    var taskId = tasks.task(algorithm);
    var waiting = tasks.task(algorithm);
    var now = Instant.now();
    var token =
        slots
            .acquire(new SlotRequest(taskId, algorithm, 5, now, Duration.ofMinutes(1), "acme"))
            .token();
    var waiter =
        new SlotRequest(waiting, algorithm, 5, now.plusSeconds(1), Duration.ofMinutes(1), "acme");
    slots.acquire(waiter);
    var output =
        new CallbackReport.Output("s3://algotask-results/acme/" + taskId, "application/json", 42L);
    var end =
        new TaskEnd(
            taskId, algorithm, 2, TaskStatus.SUCCEEDED, null, null, output, token, "end-" + taskId);

    try (var results = resultsFromNow()) {
      var published = taskEnd.endAndPublish(end);
      var repeated = taskEnd.endAndPublish(end); // a retried step

      assertThat(published).isEqualTo(output.uri());
      assertThat(repeated).isEqualTo(output.uri());
      var sent = readToTheEnd(results, taskId);
      assertThat(sent).as("results of the task on its reply topic").hasSize(1);
      var header = sent.get(0).headers().lastHeader(ResultPublisher.EVENT_ID_HEADER);
      assertThat(new String(header.value(), StandardCharsets.UTF_8)).isEqualTo(end.eventId());
      var result = json.readTree(sent.get(0).value());
      assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED");
      assertThat(result.path("attempts").asInt()).isEqualTo(2);
    }
    var record = records.findById(taskId).orElseThrow();
    assertThat(record.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(record.attempts()).isEqualTo(2);
    assertThat(json.readValue(record.output(), CallbackReport.Output.class)).isEqualTo(output);
    assertThat(record.finishedAt()).isNotNull();
    assertThat(record.resultPublishedAt()).isNotNull();
    assertThat(slots.acquire(waiter).granted()).as("the slot went to the waiting task").isTrue();
  }

  /** A reader of the reply topic from its end now, so that it reads only what comes after. */
  private Consumer<String, String> resultsFromNow() {
    kafkaAdmin.createOrModifyTopics(
        TopicBuilder.name(TestTasks.REPLY_TOPIC).partitions(topics.partitions()).build());
    var consumer = consumers.createConsumer("task-end-it", null);
    var partitions =
        consumer.partitionsFor(TestTasks.REPLY_TOPIC).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fixes the end now
    return consumer;
  }

  /**
   * The task's records up to the end of the topic now: a publish returns once the broker has its
   * record, so nothing of the task can come later.
   */
  private static List<ConsumerRecord<String, String>> readToTheEnd(
      Consumer<String, String> consumer, String taskId) {
    var end = consumer.endOffsets(consumer.assignment());
    var found = new ArrayList<ConsumerRecord<String, String>>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (var record : consumer.poll(Duration.ofMillis(100))) {
                if (taskId.equals(record.key())) {
                  found.add(record);
                }
              }
              return end.entrySet().stream()
                  .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
    return found;
  }
}
