package io.algotask.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.algotask.adapters.kafka.TopicProperties;
import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskExecutionRecords;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.records.TaskTransitions.NewTask;
import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.workflows.model.SearchAttributes;
import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.model.TaskSettings;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.algotask.workflows.task.AlgorithmActivities;
import io.algotask.workflows.task.AlgorithmActivities.Invocation;
import io.algotask.workflows.task.AlgorithmTaskWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Invocations of a real algorithm service over HTTP, sent by this worker over the real stack: an
 * embedded service whose answers each test scripts per task (busy with Retry-After, slow, refusing,
 * broken, echoing its request), registered as an algorithm of its own with a limit of one slot.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("it")
class AlgorithmInvocationIT {
  private static final String ALGORITHM = "invoke-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String RESULTS = "algotask.task.results";
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final ScriptedAlgorithm SERVICE = ScriptedAlgorithm.start();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    var base = "http://127.0.0.1:" + SERVICE.port();
    registry.add("algotask.algorithms." + ALGORITHM + ".endpoint", () -> base + "/invoke");
    registry.add("algotask.algorithms." + ALGORITHM + ".cancel-endpoint", () -> base + "/cancel");
    registry.add("algotask.algorithms." + ALGORITHM + ".max-concurrency", () -> "1");
  }

  @Autowired TaskRecords tasks;
  @Autowired TaskExecutionRecords executions;
  @Autowired TaskTransitions transitions;
  @Autowired AlgorithmActivities activities;
  @Autowired WorkflowClient temporal;
  @Autowired SlotSemaphore semaphore;
  @Autowired JdbcTemplate jdbc;
  @Autowired RedisConnection redis;
  @Autowired KafkaAdmin kafkaAdmin;
  @Autowired TopicProperties topics;

  @Value("${algotask.temporal.task-queue}")
  String taskQueue;

  @Value("${spring.kafka.bootstrap-servers}")
  String kafka;

  private final List<String> created = new ArrayList<>();

  @AfterEach
  void forgetTheTasksAndSlots() {
    for (var taskId : created) {
      try {
        temporal.newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId)).terminate("test over");
      } catch (RuntimeException alreadyClosed) {
        // nothing to stop
      }
      jdbc.update("delete from task_execution where task_id = ?", taskId);
      jdbc.update("delete from task_event where task_id = ?", taskId);
      jdbc.update("delete from task where task_id = ?", taskId);
    }
    redis.sync().del(semaphore.keys(ALGORITHM).all());
    SERVICE.reset();
  }

  @AfterAll
  static void stopTheService() {
    SERVICE.server.stop(0);
  }

  @Test
  void aCancelWhileAResendIsAnsweredEndsTheAttemptBeforeItsSlotGoesToTheNextTask()
      throws Exception {
    var cancelled = newTaskId("cancelled");
    var next = newTaskId("next");
    // busy at first; the resend is then accepted, but slowly: the cancel comes in between
    SERVICE.script(cancelled, busy(1), new Answer(202, null, Duration.ofSeconds(3), false));
    start(cancelled, Duration.ofSeconds(30));
    awaitUntil(() -> SERVICE.postsOf(cancelled).size() == 1, "the first send");
    start(next, Duration.ofSeconds(30));
    awaitUntil(() -> SERVICE.postsOf(cancelled).size() == 2, "the resend");

    cancel(cancelled);
    awaitUntil(() -> status(cancelled) == TaskStatus.CANCELLED, "the task cancelled");
    awaitUntil(() -> !SERVICE.postsOf(next).isEmpty(), "the next task sent its slot");
    awaitUntil(() -> SERVICE.answered(cancelled) == 2, "the slow answer");

    assertThat(SERVICE.peakRunning())
        .as("tasks running at once at the algorithm, whose limit is 1")
        .isEqualTo(1);
    assertThat(SERVICE.cancels).containsKey(cancelled);
    assertThat(SERVICE.cancels.get(cancelled))
        .as("the algorithm is told of the cancel after it accepted the resend")
        .isAfterOrEqualTo(SERVICE.acceptedAt.get(cancelled));
    assertThat(SERVICE.postsOf(next).get(0).at())
        .as("the slot goes on only once the attempt is over")
        .isAfterOrEqualTo(SERVICE.cancels.get(cancelled));
  }

  @Test
  void aCancelBetweenResendsStopsTheSendsAndTheSlotGoesOnOnce() throws Exception {
    var cancelled = newTaskId("cancelled");
    var next = newTaskId("next");
    SERVICE.script(cancelled, busy(1)); // busy every time
    start(cancelled, Duration.ofSeconds(30));
    awaitUntil(() -> SERVICE.postsOf(cancelled).size() == 1, "the first send");
    start(next, Duration.ofSeconds(30));
    awaitUntil(() -> SERVICE.postsOf(cancelled).size() == 3, "two resends");

    cancel(cancelled);
    awaitUntil(() -> workflowClosed(cancelled), "the cancelled task's workflow ended");
    var cancelledAt = Instant.now();
    awaitUntil(() -> !SERVICE.postsOf(next).isEmpty(), "the next task sent");
    // for two Retry-After periods, in which a resend still under way would show
    await("no send of the cancelled task once it ended")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(
            () -> SERVICE.postsOf(cancelled).stream().allMatch(p -> p.at().isBefore(cancelledAt)));

    assertThat(status(cancelled)).isEqualTo(TaskStatus.CANCELLED);
    assertThat(SERVICE.peakRunning()).isEqualTo(1);
  }

  @Test
  void everySendOfAnAttemptCarriesTheSameBody() throws Exception {
    var taskId = newTaskId("resent");
    SERVICE.script(taskId, busy(1), busy(1), new Answer(202, null, Duration.ZERO, false));
    start(taskId, Duration.ofSeconds(30));
    awaitUntil(() -> SERVICE.postsOf(taskId).size() == 3, "two resends");

    var bodies = SERVICE.postsOf(taskId).stream().map(Post::body).toList();
    var first = JSON.readTree(bodies.get(0));
    assertThat(first.path("callback").path("token").asString()).isNotBlank();
    assertThat(first.path("input").path("url").asString()).contains("X-Amz-Signature");
    assertThat(first.path("output").path("uploadUrl").asString()).contains("X-Amz-Signature");
    assertThat(bodies.get(1)).isEqualTo(bodies.get(0));
    assertThat(bodies.get(2)).isEqualTo(bodies.get(0));
  }

  @Test
  void anAlgorithmEchoingItsRequestLeavesNoTokenOrSignatureInErrorsHistoriesOrResults()
      throws Exception {
    var refused = newTaskId("refused");
    var broken = newTaskId("broken");
    SERVICE.script(refused, new Answer(400, null, Duration.ZERO, true));
    SERVICE.script(broken, new Answer(500, null, Duration.ZERO, true));
    try (var results = resultsFromNow()) {
      start(refused, Duration.ofSeconds(30));
      awaitUntil(() -> status(refused).isTerminal(), "the refused task ended");
      start(broken, Duration.ofSeconds(3)); // every send fails until the deadline
      awaitUntil(() -> status(broken).isTerminal(), "the broken task ended");

      var published = readResults(results, Set.of(refused, broken));
      for (var taskId : List.of(refused, broken)) {
        var secrets = secretsSentTo(taskId);
        var record = tasks.findById(taskId).orElseThrow();
        assertThat(record.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(record.errorMessage())
            .as("the task's error quotes the answer")
            .contains(taskId)
            .contains("[redacted]");
        assertNoSecret(record.errorMessage(), secrets, "the task's error");
        assertNoSecret(published.get(taskId), secrets, "the published result");
        assertNoSecret(decodedHistory(taskId), secrets, "the workflow history");
      }
    }
  }

  @Test
  void aSendFindsItsAttemptClosedOrItsTaskEndedAndIsNotSent() throws Exception {
    var closed = newTaskId("closed");
    record(closed, Duration.ofSeconds(30));
    var token =
        semaphore.acquire(new SlotTask(ALGORITHM, closed), 5, Instant.now(), WITHIN, 1).token();
    transitions.startAttempt(closed, 1, token, Instant.now().plusSeconds(30));
    transitions.closeAttempt(closed, 1, ExecutionStatus.CANCELLED); // as a cancel does

    assertThatThrownBy(() -> activities.invoke(invocation(closed, token)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> assertThat(failure.getType()).isEqualTo("AttemptClosed"));

    var ended = newTaskId("ended");
    record(ended, Duration.ofSeconds(30));
    jdbc.update("update task set status = 'CANCELLED' where task_id = ?", ended);

    assertThatThrownBy(() -> activities.invoke(invocation(ended, "e1:0")))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> assertThat(failure.getType()).isEqualTo("AttemptClosed"));
    assertThat(executions.findAttempt(ended, 1))
        .as("no attempt recorded for an ended task")
        .isEmpty();
    assertThat(SERVICE.posts).as("sends that reached the algorithm").isEmpty();
  }

  private static Invocation invocation(String taskId, String slotToken) {
    return new Invocation(
        taskId, 1, ALGORITHM, Instant.now().plusSeconds(30), slotToken, Duration.ofSeconds(30));
  }

  private static Answer busy(int retryAfterSeconds) {
    return new Answer(429, retryAfterSeconds, Duration.ZERO, false);
  }

  private String newTaskId(String name) {
    var taskId = ALGORITHM + "-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
    created.add(taskId);
    return taskId;
  }

  /** Records the task and starts its workflow, as intake does. */
  private void start(String taskId, Duration executionTimeout) {
    startWorkflow(taskId, record(taskId, executionTimeout), executionTimeout);
  }

  private Instant record(String taskId, Duration executionTimeout) {
    var request =
        """
        {"taskId": "%s", "algorithm": "%s", "tenant": "acme", "priority": 5,
         "input": {"uri": "s3://algotask-documents/acme/%s.pdf"}, "params": {"lang": "en"},
         "replyTopic": "%s", "queueTimeoutSeconds": 60, "executionTimeoutSeconds": %d,
         "maxAttempts": 1, "metadata": {}}
        """
            .formatted(taskId, ALGORITHM, taskId, RESULTS, executionTimeout.toSeconds());
    var submittedAt = Instant.now();
    transitions.insertIfAbsent(
        new NewTask(
            taskId,
            ALGORITHM,
            "acme",
            5,
            TaskStatus.ACCEPTED,
            RESULTS,
            request,
            null,
            null,
            submittedAt,
            null));
    return submittedAt;
  }

  private void startWorkflow(String taskId, Instant submittedAt, Duration executionTimeout) {
    var workflow =
        temporal.newWorkflowStub(
            AlgorithmTaskWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(TaskWorkflowIds.forTask(taskId))
                .setTaskQueue(taskQueue)
                .setTypedSearchAttributes(
                    io.temporal.common.SearchAttributes.newBuilder()
                        .set(SearchAttributes.ALGORITHM_NAME, ALGORITHM)
                        .set(SearchAttributes.TENANT, "acme")
                        .set(SearchAttributes.PRIORITY, 5L)
                        .set(SearchAttributes.TASK_STATUS, TaskStatus.ACCEPTED.name())
                        .build())
                .build());
    WorkflowClient.start(
        workflow::run,
        new TaskInput(
            taskId,
            ALGORITHM,
            "acme",
            5,
            submittedAt,
            new TaskSettings(Duration.ofSeconds(60), executionTimeout, 1)));
  }

  private void cancel(String taskId) {
    temporal.newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId)).cancel();
  }

  private TaskStatus status(String taskId) {
    return tasks.findById(taskId).orElseThrow().status();
  }

  private boolean workflowClosed(String taskId) {
    return temporal.newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId)).describe().getStatus()
        != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** The callback token and the presigned URLs' signatures that the algorithm was sent. */
  private static List<String> secretsSentTo(String taskId) {
    var secrets = new HashSet<String>();
    for (var post : SERVICE.postsOf(taskId)) {
      var body = JSON.readTree(post.body());
      secrets.add(body.path("callback").path("token").asString());
      for (var url :
          List.of(
              body.path("input").path("url").asString(),
              body.path("output").path("uploadUrl").asString())) {
        var signature = Pattern.compile("X-Amz-Signature=([0-9a-f]+)").matcher(url);
        assertThat(signature.find()).as("a presigned URL: %s", url).isTrue();
        secrets.add(signature.group(1));
        secrets.add(url);
      }
    }
    assertThat(secrets).doesNotContain("");
    return List.copyOf(secrets);
  }

  private static void assertNoSecret(String text, List<String> secrets, String where) {
    assertThat(text).as(where).isNotNull();
    for (var secret : secrets) {
      assertThat(text).as(where).doesNotContain(secret);
    }
    assertThat(text).as(where).doesNotContain("X-Amz-Signature").doesNotContain("X-Amz-Credential");
  }

  /** The history with every payload's data decoded, as the Web UI shows it. */
  private String decodedHistory(String taskId) {
    var json = temporal.fetchHistory(TaskWorkflowIds.forTask(taskId)).toJson(false);
    return PAYLOAD_DATA
        .matcher(json)
        .replaceAll(
            data ->
                Matcher.quoteReplacement(
                    "\"data\":"
                        + new String(
                            Base64.getDecoder().decode(data.group(1)), StandardCharsets.UTF_8)));
  }

  private static final Pattern PAYLOAD_DATA = Pattern.compile("\"data\":\\s*\"([A-Za-z0-9+/=]*)\"");

  /** A consumer of the results topic from its current end, so that it reads only this test's. */
  private KafkaConsumer<String, String> resultsFromNow() {
    // api-app creates the topic; on a new stack this test may run before any api-app did
    kafkaAdmin.createOrModifyTopics(
        TopicBuilder.name(RESULTS).partitions(topics.partitions()).build());
    var consumer =
        new KafkaConsumer<String, String>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName()));
    var partitions =
        consumer.partitionsFor(RESULTS).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fixes the end now, before the tasks run
    return consumer;
  }

  private static Map<String, String> readResults(
      KafkaConsumer<String, String> consumer, Set<String> taskIds) {
    var found = new ConcurrentHashMap<String, String>();
    var deadline = Instant.now().plus(WITHIN);
    while (!found.keySet().containsAll(taskIds) && Instant.now().isBefore(deadline)) {
      for (var record : consumer.poll(Duration.ofMillis(200))) {
        if (taskIds.contains(record.key())) {
          found.put(record.key(), record.value());
        }
      }
    }
    assertThat(found.keySet()).as("the results published").containsAll(taskIds);
    return found;
  }

  private static void awaitUntil(Callable<Boolean> condition, String what) {
    await(what).atMost(WITHIN).pollInterval(Duration.ofMillis(20)).until(condition);
  }

  /** One answer to a send: its status, Retry-After, how long it takes, and whether it echoes. */
  record Answer(int status, Integer retryAfterSeconds, Duration delay, boolean echo) {}

  /** One send as the service received it. */
  record Post(String taskId, Instant at, String body) {}

  /**
   * The algorithm service. Each task's answers are scripted; the last one is given again to every
   * further send. It counts the tasks it runs at once: a task runs from the answer that accepts it
   * until its cancel (these tasks never call back).
   */
  static final class ScriptedAlgorithm {
    final HttpServer server;
    final List<Post> posts = new CopyOnWriteArrayList<>();
    final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    final Map<String, Instant> cancels = new ConcurrentHashMap<>();
    final Map<String, Instant> acceptedAt = new ConcurrentHashMap<>();
    final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final Set<String> running = new HashSet<>();
    private int peak;

    private ScriptedAlgorithm(HttpServer server) {
      this.server = server;
    }

    static ScriptedAlgorithm start() {
      try {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        var service = new ScriptedAlgorithm(server);
        server.createContext("/invoke", service::invoke);
        server.createContext("/cancel", service::cancel);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return service;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    int port() {
      return server.getAddress().getPort();
    }

    void script(String taskId, Answer... answers) {
      scripts.put(taskId, new ArrayDeque<>(List.of(answers)));
    }

    List<Post> postsOf(String taskId) {
      return posts.stream().filter(p -> p.taskId().equals(taskId)).toList();
    }

    int answered(String taskId) {
      return answers.getOrDefault(taskId, 0);
    }

    synchronized int peakRunning() {
      return peak;
    }

    synchronized void reset() {
      posts.clear();
      scripts.clear();
      cancels.clear();
      acceptedAt.clear();
      answers.clear();
      running.clear();
      peak = 0;
    }

    private void invoke(HttpExchange exchange) throws IOException {
      var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      var request = JSON.readTree(body);
      var taskId = request.path("taskId").asString();
      posts.add(new Post(taskId, Instant.now(), body));
      var answer = next(taskId);
      sleep(answer.delay());
      if (answer.status() / 100 == 2) {
        synchronized (this) {
          running.add(taskId);
          acceptedAt.putIfAbsent(taskId, Instant.now());
          peak = Math.max(peak, running.size());
        }
      }
      if (answer.retryAfterSeconds() != null) {
        exchange.getResponseHeaders().add("Retry-After", answer.retryAfterSeconds().toString());
      }
      var reply = answer.echo() ? echo(request, body) : new byte[0];
      answers.merge(taskId, 1, Integer::sum);
      exchange.sendResponseHeaders(answer.status(), reply.length == 0 ? -1 : reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
    }

    /** The request quoted back, the parts that matter to the caller first. */
    private static byte[] echo(JsonNode request, String body) {
      var echo = JSON.createObjectNode();
      echo.put("error", "cannot take this request");
      echo.set("callback", request.path("callback"));
      echo.set("input", request.path("input"));
      echo.set("output", request.path("output"));
      echo.put("request", body);
      return JSON.writeValueAsBytes(echo);
    }

    private void cancel(HttpExchange exchange) throws IOException {
      var request = JSON.readTree(exchange.getRequestBody().readAllBytes());
      var taskId = request.path("taskId").asString();
      synchronized (this) {
        cancels.put(taskId, Instant.now());
        running.remove(taskId);
      }
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    }

    private Answer next(String taskId) {
      var script = scripts.get(taskId);
      if (script == null) {
        return new Answer(202, null, Duration.ZERO, false);
      }
      synchronized (script) {
        return script.size() > 1 ? script.poll() : script.peek();
      }
    }

    private static void sleep(Duration delay) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
