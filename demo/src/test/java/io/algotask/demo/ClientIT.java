package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.algotask.client.AlgotaskApiException;
import io.algotask.client.ClientExample;
import io.algotask.client.GrpcTaskClient;
import io.algotask.client.HttpTaskClient;
import io.algotask.client.KafkaTaskSubmitter;
import io.algotask.client.RecentEvents;
import io.algotask.client.ResultConsumer;
import io.algotask.client.TaskEvent;
import io.algotask.client.TaskRequest;
import io.algotask.client.TaskResult;
import io.algotask.client.TaskStatus;
import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java client of business services against both apps as processes and a sample algorithm
 * service: the README's example, a task through each door watched to its end, its result read once
 * even when Kafka delivers it twice, and the API's refusals as the client's exceptions.
 */
class ClientIT {
  private static final String KAFKA = "127.0.0.1:9092";
  private static final String RUN = "client-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String KEY = SharedApps.ACME_KEY;
  private static final String ALGORITHM = RUN + "-ocr";

  private static String requestsTopic;
  private static String resultsTopic;
  private static SampleAlgorithmServer sample;
  private static int apiPort;
  private static String grpcTarget;
  private static HttpTaskClient http;
  private static GrpcTaskClient grpc;
  private static String document;

  @BeforeAll
  static void startEverything() throws Exception {
    sample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.builder().port(0).latencyMs(300, 600).build());
    var apps = SharedApps.get();
    apps.register(
        ALGORITHM,
        Map.of(
            "endpoint",
            sample.invocationUrl(ALGORITHM).toString(),
            "maxConcurrency",
            2,
            "maxAttempts",
            1));
    apiPort = apps.apiPort();
    requestsTopic = apps.requestsTopic();
    resultsTopic = apps.resultsTopic();
    grpcTarget = "127.0.0.1:" + apps.grpcPort();
    http = HttpTaskClient.connect(URI.create("http://127.0.0.1:" + apiPort), KEY);
    grpc = GrpcTaskClient.connect(grpcTarget, KEY);
    document = SampleDocuments.upload(new StorageSettings(), "demo/").get(0);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (grpc != null) {
      grpc.close();
    }
    if (sample != null) {
      sample.close();
    }
  }

  private static TaskRequest request(String taskId) {
    return TaskRequest.builder(taskId, ALGORITHM)
        .tenant("acme")
        .input(document)
        .params(Map.of("lang", "de"))
        .metadata("run", RUN)
        .build();
  }

  /** Every result of the taskIds the consumer hands over, until each has one, then a while more. */
  private static List<TaskResult> results(ResultConsumer consumer, List<String> taskIds) {
    var handed = new ArrayList<TaskResult>();
    Awaitility.await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(500), handed::add);
              return handed.stream().map(TaskResult::taskId).toList().containsAll(taskIds);
            });
    for (var i = 0; i < 4; i++) {
      consumer.poll(Duration.ofMillis(500), handed::add);
    }
    return handed.stream().filter(result -> taskIds.contains(result.taskId())).toList();
  }

  @Test
  void theReadmeExamplesRunAsWritten() throws Exception {
    var result =
        ClientExample.recognise(
            grpcTarget, KAFKA, resultsTopic, KEY, ALGORITHM, document, RUN + "-readme");
    assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(result.output().url()).startsWith("http");
    assertThat(result.metadata()).containsEntry("order", "42");

    var task = ClientExample.firstSteps(grpcTarget, KEY, ALGORITHM, document, RUN + "-first");
    assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(task.output().uri()).startsWith("s3://");
  }

  @Test
  void aTaskSubmittedOverGrpcIsWatchedEveryChangeInOrder() {
    var taskId = RUN + "-grpc";
    var submitted = grpc.submit(request(taskId));
    assertThat(submitted.created()).isTrue();
    assertThat(submitted.task().tenant()).isEqualTo("acme");
    assertThat(grpc.submit(request(taskId)).created()).as("the same taskId again").isFalse();

    var events = new ArrayList<TaskEvent>();
    var end = grpc.watch(taskId, Duration.ofMinutes(2), events::add);
    assertThat(end.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(end.attempts()).isEqualTo(1);
    assertThat(end.metadata()).containsEntry("run", RUN);
    assertThat(events).isNotEmpty();
    assertThat(events.get(events.size() - 1).status()).isEqualTo(TaskStatus.SUCCEEDED);
    for (var i = 1; i < events.size(); i++) {
      assertThat(events.get(i).sequence()).isEqualTo(events.get(i - 1).sequence() + 1);
    }
    assertThat(grpc.get(taskId).finishedAt()).isEqualTo(end.finishedAt());
  }

  @Test
  void aTaskSubmittedOverHttpIsWatchedToItsEnd() {
    var taskId = RUN + "-http";
    assertThat(http.submit(request(taskId)).created()).isTrue();
    assertThat(http.submit(request(taskId)).created()).as("the same taskId again").isFalse();

    var changes = new ArrayList<TaskEvent>();
    var end = http.watch(taskId, Duration.ofMillis(100), Duration.ofMinutes(2), changes::add);
    assertThat(end.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(end.output().url()).startsWith("http");
    assertThat(changes).extracting(TaskEvent::status).endsWith(TaskStatus.SUCCEEDED);
  }

  @Test
  void aTaskSubmittedOverKafkaHasItsResultHandedOverOnceThoughDeliveredTwice() throws Exception {
    var taskId = RUN + "-kafka";
    try (var kafka = KafkaTaskSubmitter.connect(KAFKA, requestsTopic, Map.of());
        var consumer =
            new ResultConsumer(KAFKA, RUN + "-kafka", resultsTopic, Map.of(), new RecentEvents())) {
      kafka.submit(request(taskId));
      kafka.submit(request(taskId)); // the same task: one run, one result
      // recorded once api-app has taken the record: until then the task is not found
      Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .ignoreException(AlgotaskApiException.TaskNotFoundException.class)
          .until(() -> http.get(taskId) != null);
      assertThat(
              http.watch(taskId, Duration.ofMillis(200), Duration.ofMinutes(2), e -> {}).status())
          .isEqualTo(TaskStatus.SUCCEEDED);
      var first = results(consumer, List.of(taskId));
      assertThat(first).hasSize(1);
      assertThat(first.get(0).status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(first.get(0).attempts()).isEqualTo(1);

      // the copy a lost worker's resend makes: the same record, eventId header included
      var original = recordsOf(taskId);
      assertThat(original).hasSize(1);
      resend(original.get(0));
      assertThat(recordsOf(taskId)).as("both copies are on the topic").hasSize(2);
      assertThat(results(consumer, List.of())).as("the copy handed over").isEmpty();
    }
  }

  @Test
  void refusalsAreTheClientsExceptionsNamingTheRuleAndTheField() {
    assertBrokenRule(
        () ->
            http.submit(
                TaskRequest.builder(RUN + "-bad", ALGORITHM).tenant("acme").priority(9).build()),
        "priority",
        "priority: must be an integer from 1 to 5");
    assertBrokenRule(
        () ->
            grpc.submit(
                TaskRequest.builder(RUN + "-bad", ALGORITHM)
                    .tenant("acme")
                    .maxAttempts(11)
                    .build()),
        "maxAttempts",
        "maxAttempts: must be an integer from 1 to 10");
    var unknown = TaskRequest.builder(RUN + "-unknown", RUN + "-nope").tenant("acme").build();
    assertThatThrownBy(() -> grpc.submit(unknown))
        .isInstanceOfSatisfying(
            AlgotaskApiException.InvalidTaskException.class,
            e -> assertThat(e.code()).isEqualTo("UNKNOWN_ALGORITHM"));

    assertThatThrownBy(() -> http.get(RUN + "-never"))
        .isInstanceOf(AlgotaskApiException.TaskNotFoundException.class);
    assertThatThrownBy(() -> grpc.get(RUN + "-never"))
        .isInstanceOf(AlgotaskApiException.TaskNotFoundException.class);

    var done = RUN + "-done";
    grpc.submit(request(done));
    grpc.watch(done, Duration.ofMinutes(2), event -> {});
    for (var door : List.<Runnable>of(() -> http.cancel(done), () -> grpc.cancel(done))) {
      assertThatThrownBy(door::run)
          .isInstanceOfSatisfying(
              AlgotaskApiException.TaskOverException.class,
              e -> assertThat(e.taskStatus()).isEqualTo(TaskStatus.SUCCEEDED));
    }

    var wrongKey = HttpTaskClient.connect(URI.create("http://127.0.0.1:" + apiPort), "not-a-key");
    assertThatThrownBy(() -> wrongKey.get(done))
        .isInstanceOfSatisfying(
            AlgotaskApiException.class, e -> assertThat(e.code()).isEqualTo("UNAUTHENTICATED"));
  }

  private static void assertBrokenRule(Runnable submit, String field, String rule) {
    assertThatThrownBy(submit::run)
        .isInstanceOfSatisfying(
            AlgotaskApiException.InvalidTaskException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("INVALID_REQUEST");
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.rule()).startsWith(rule);
            });
  }

  /** The records of the task on the results topic, as they are, read from the start. */
  private static List<ConsumerRecord<String, String>> recordsOf(String taskId) {
    var found = new ArrayList<ConsumerRecord<String, String>>();
    try (var raw =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA,
                ConsumerConfig.GROUP_ID_CONFIG,
                RUN + "-raw-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      raw.subscribe(List.of(resultsTopic));
      var quiet = 0;
      for (var poll = 0; quiet < 4 && poll < 120; poll++) {
        var records = raw.poll(Duration.ofMillis(500));
        quiet = records.isEmpty() && !raw.assignment().isEmpty() ? quiet + 1 : 0;
        records.forEach(
            record -> {
              if (taskId.equals(record.key())) {
                found.add(record);
              }
            });
      }
    }
    return found;
  }

  private static void resend(ConsumerRecord<String, String> record) throws Exception {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA),
            new StringSerializer(),
            new StringSerializer())) {
      var copy =
          new ProducerRecord<>(
              record.topic(), null, record.key(), record.value(), record.headers());
      producer.send(copy).get(30, TimeUnit.SECONDS);
    }
  }
}
