package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.records.TaskRecords;
import io.algotask.api.ApiTestSupport;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.grpc.Status;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka intake's batches over the real stack, on topics (one partition, so that a poll takes
 * every record the test sent), a consumer group and a task queue of their own. The listener is
 * started once the test's records are on the topic, so that one poll hands them over together. No
 * worker polls the task queue: started workflows are checked, then terminated.
 */
@SpringBootTest(
    properties = {
      "spring.grpc.server.port=0",
      "algotask.topics.requests=" + TaskIntakeBatchIT.RUN + ".requests",
      "algotask.topics.results=" + TaskIntakeBatchIT.RUN + ".results",
      "algotask.topics.dead-letter=" + TaskIntakeBatchIT.RUN + ".dlq",
      "algotask.topics.partitions=1",
      "algotask.temporal.task-queue=" + TaskIntakeBatchIT.RUN,
      "spring.kafka.consumer.group-id=" + TaskIntakeBatchIT.RUN,
      "spring.kafka.listener.auto-startup=false",
      "algotask.intake.batch-size=50"
    })
@ActiveProfiles("it")
class TaskIntakeBatchIT {
  static final String RUN = "intake-batch-it-1";

  /** TaskIds with this in them cannot be recorded as ACCEPTED: the store refuses their data. */
  private static final String UNSTORABLE = "-unstorable-";

  private static final List<String> STARTED = new ArrayList<>();
  private static WorkflowClient temporalForCleanUp;
  private static JdbcClient jdbcForCleanUp;

  /**
   * Temporal refuses the start of chosen workflows a number of times, as when it is unreachable.
   */
  @TestConfiguration(proxyBeanMethods = false)
  static class FlakyTemporal {
    @Bean
    FlakyStarts flakyStarts() {
      return new FlakyStarts();
    }
  }

  static class FlakyStarts extends WorkflowClientInterceptorBase {
    final Map<String, AtomicInteger> refusalsLeft = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public WorkflowStartOutput start(WorkflowStartInput input) {
          var workflowId = input.getWorkflowId();
          attempts.computeIfAbsent(workflowId, id -> new AtomicInteger()).incrementAndGet();
          var left = refusalsLeft.get(workflowId);
          if (left != null && left.getAndDecrement() > 0) {
            throw Status.UNAVAILABLE
                .withDescription("Temporal away, for the test")
                .asRuntimeException();
          }
          return super.start(input);
        }
      };
    }

    int attemptsOf(String taskId) {
      var count = attempts.get(TaskWorkflowIds.forTask(taskId));
      return count == null ? 0 : count.get();
    }
  }

  @Autowired TaskRecords tasks;
  @Autowired TaskIntake intake;
  @Autowired TaskRequestParser parser;
  @Autowired WorkflowClient temporal;
  @Autowired JsonMapper json;
  @Autowired JdbcClient jdbc;
  @Autowired KafkaListenerEndpointRegistry listeners;
  @Autowired Admin admin;
  @Autowired FlakyStarts flakyStarts;

  /** A trigger in the test database: the store refuses, with a data exception, those tasks. */
  @BeforeAll
  static void refuseUnstorableTasks(@Autowired JdbcClient jdbc) {
    jdbcForCleanUp = jdbc;
    jdbc.sql(
            """
            create or replace function intake_batch_it_unstorable() returns trigger
            language plpgsql as $$
            begin
              if new.status = 'ACCEPTED' and position('%s' in new.task_id) > 0 then
                raise exception 'the test''s store cannot hold %%', new.task_id
                  using errcode = '22021';
              end if;
              return new;
            end $$
            """
                .formatted(RUN + UNSTORABLE))
        .update();
    jdbc.sql("drop trigger if exists intake_batch_it_unstorable on task").update();
    jdbc.sql(
            """
            create trigger intake_batch_it_unstorable before insert on task
            for each row execute function intake_batch_it_unstorable()
            """)
        .update();
  }

  @AfterAll
  static void cleanUp() {
    if (jdbcForCleanUp != null) {
      jdbcForCleanUp.sql("drop trigger if exists intake_batch_it_unstorable on task").update();
      jdbcForCleanUp.sql("drop function if exists intake_batch_it_unstorable()").update();
    }
    if (temporalForCleanUp != null) {
      for (var taskId : STARTED) {
        ApiTestSupport.terminate(temporalForCleanUp, taskId);
      }
    }
  }

  /** Each test sends its batch with the listener stopped, then lets it take the batch. */
  @AfterEach
  void stopTheListener() {
    listeners.getListenerContainers().forEach(container -> container.stop());
  }

  private static String newTaskId(String what) {
    var taskId = RUN + "-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    STARTED.add(taskId);
    return taskId;
  }

  private static String request(String taskId, int priority) {
    return "{\"taskId\":\"" + taskId + "\",\"algorithm\":\"ocr\",\"priority\":" + priority + "}";
  }

  private static String unknownAlgorithm(String taskId) {
    return "{\"taskId\":\"" + taskId + "\",\"algorithm\":\"no-such-algorithm\"}";
  }

  /**
   * Puts the records on the request topic, in order, then starts the listener. The group starts at
   * the test's records: what an earlier run left on the topic is not in its batch.
   */
  private void takeAsOneBatch(List<String[]> keysAndValues) throws Exception {
    temporalForCleanUp = temporal;
    var partition = new TopicPartition(RUN + ".requests", 0);
    var end =
        admin
            .listOffsets(Map.of(partition, OffsetSpec.latest()))
            .partitionResult(partition)
            .get(10, TimeUnit.SECONDS)
            .offset();
    admin
        .alterConsumerGroupOffsets(RUN, Map.of(partition, new OffsetAndMetadata(end)))
        .all()
        .get(10, TimeUnit.SECONDS);
    var properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    try (var producer =
        new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
      for (var keyAndValue : keysAndValues) {
        producer
            .send(
                new ProducerRecord<>(
                    RUN + ".requests",
                    keyAndValue[0],
                    keyAndValue[1].getBytes(StandardCharsets.UTF_8)))
            .get(10, TimeUnit.SECONDS);
      }
    }
    listeners.getListenerContainers().forEach(container -> container.start());
  }

  private WorkflowExecutionStatus awaitWorkflowStatus(String taskId) {
    return await("the workflow of " + taskId)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(WorkflowNotFoundException.class)
        .until(
            () ->
                temporal
                    .newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId))
                    .describe()
                    .getStatus(),
            status -> status != null);
  }

  private void assertStarted(String... taskIds) {
    for (var taskId : taskIds) {
      assertThat(ApiTestSupport.awaitRecorded(tasks, taskId))
          .as(taskId)
          .isEqualTo(TaskStatus.ACCEPTED);
      assertThat(awaitWorkflowStatus(taskId))
          .as(taskId)
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    }
  }

  @Test
  void theConsumersPollIsTheConfiguredBatchSize() {
    assertThat(listeners.getListenerContainers())
        .singleElement()
        .satisfies(
            container ->
                assertThat(container.getContainerProperties().getKafkaConsumerProperties())
                    .containsEntry("max.poll.records", "50"));
  }

  @Test
  void aMixedBatchRecordsItsNewTasksInOneStatementAndAnswersEveryRecordOnce() throws Exception {
    var known = newTaskId("known");
    intake.submit(
        (ParsedRequest.Valid) parser.parse(request(known, 1).getBytes(StandardCharsets.UTF_8)));
    var first = newTaskId("first");
    var second = newTaskId("second");
    var twice = newTaskId("twice");
    var rejected = newTaskId("rejected");
    var notATask = "not-a-task-" + UUID.randomUUID();

    takeAsOneBatch(
        List.of(
            new String[] {first, request(first, 2)},
            new String[] {notATask, "{\"algorithm\":\"ocr\"}"},
            new String[] {known, request(known, 5)},
            new String[] {rejected, unknownAlgorithm(rejected)},
            new String[] {twice, request(twice, 2)},
            new String[] {twice, request(twice, 4)},
            new String[] {second, request(second, 3)}));

    assertStarted(first, twice, second, known);
    var results = PoisonedRecordsIT.read(RUN + ".results", List.of(rejected, known, twice), 1);
    assertThat(results.get(rejected)).as("one result").hasSize(1);
    assertThat(json.readTree(results.get(rejected).get(0)).path("error").path("code").asString())
        .isEqualTo("UNKNOWN_ALGORITHM");
    assertThat(results).as("no result for the started tasks").containsOnlyKeys(rejected);
    var letters = PoisonedRecordsIT.read(RUN + ".dlq", List.of(notATask), 1);
    assertThat(letters.get(notATask)).as("one dead letter").hasSize(1);

    assertThat(tasks.findById(known).orElseThrow().priority())
        .as("the known task stands")
        .isEqualTo(1);
    assertThat(tasks.findById(twice).orElseThrow().priority())
        .as("the first copy stands")
        .isEqualTo(2);
    assertThat(
            jdbc.sql("select count(distinct xmin::text) from task where task_id in (:taskIds)")
                .param("taskIds", List.of(first, twice, second))
                .query(Long.class)
                .single())
        .as("the new tasks of the batch were recorded by one statement")
        .isEqualTo(1L);
  }

  @Test
  void aBatchOverAFailingStackLosesNothingAndAnswersNothingTwice() throws Exception {
    var before = newTaskId("before");
    var unstorable = newTaskId(UNSTORABLE.substring(1, UNSTORABLE.length() - 1));
    var rejectedBefore = newTaskId("rejected-before");
    var flaky = newTaskId("flaky");
    var rejectedBehind = newTaskId("rejected-behind");
    var behind = newTaskId("behind");
    var letterBefore = "letter-before-" + UUID.randomUUID();
    var letterBehind = "letter-behind-" + UUID.randomUUID();
    // Temporal refuses the start of this one twice: the batch is taken again from it, twice
    flakyStarts.refusalsLeft.put(TaskWorkflowIds.forTask(flaky), new AtomicInteger(2));

    takeAsOneBatch(
        List.of(
            new String[] {before, request(before, 2)},
            new String[] {letterBefore, "not json"},
            new String[] {unstorable, request(unstorable, 2)},
            new String[] {rejectedBefore, unknownAlgorithm(rejectedBefore)},
            new String[] {flaky, request(flaky, 2)},
            new String[] {letterBehind, "{\"algorithm\":\"ocr\"}"},
            new String[] {before, request(before, 5)},
            new String[] {rejectedBehind, unknownAlgorithm(rejectedBehind)},
            new String[] {behind, request(behind, 2)}));

    assertStarted(before, flaky, behind);
    assertThat(flakyStarts.attemptsOf(flaky)).as("refused twice, then started").isEqualTo(3);
    assertThat(tasks.findById(before).orElseThrow().priority()).isEqualTo(2);

    var answered = List.of(unstorable, rejectedBefore, rejectedBehind);
    var results = PoisonedRecordsIT.read(RUN + ".results", answered, answered.size());
    assertThat(results).containsOnlyKeys(answered);
    for (var taskId : answered) {
      assertThat(results.get(taskId)).as(taskId + ": one result").hasSize(1);
      assertThat(json.readTree(results.get(taskId).get(0)).path("status").asString())
          .isEqualTo("REJECTED");
      assertThat(tasks.findById(taskId).orElseThrow().status()).isEqualTo(TaskStatus.REJECTED);
    }
    assertThat(
            json.readTree(results.get(unstorable).get(0)).path("error").path("message").asString())
        .as("answered at once")
        .startsWith("request: cannot be accepted")
        .contains("22021");
    var letters = PoisonedRecordsIT.read(RUN + ".dlq", List.of(letterBefore, letterBehind), 2);
    assertThat(letters.get(letterBefore)).as("one dead letter before the failure").hasSize(1);
    assertThat(letters.get(letterBehind)).as("one dead letter behind it").hasSize(1);
  }
}
