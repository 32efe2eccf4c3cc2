package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.algotask.api.v1.CancelTaskRequest;
import io.algotask.api.v1.GetTaskRequest;
import io.algotask.api.v1.Input;
import io.algotask.api.v1.SubmitTaskRequest;
import io.algotask.api.v1.TaskEvent;
import io.algotask.api.v1.TaskServiceGrpc;
import io.algotask.api.v1.TaskStatus;
import io.algotask.api.v1.WatchTaskRequest;
import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The doors business services and operators use, over the real stack with both apps as processes
 * and sample algorithm services: gRPC and HTTP submit, read, watch and cancel; one run per taskId
 * across Kafka, gRPC and HTTP; a limit raised through the registry API; credentials and tenants.
 */
class ApiDoorsIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String RUN = "doors-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String ACME_KEY = SharedApps.ACME_KEY;
  private static final String GLOBEX_KEY = SharedApps.GLOBEX_KEY;
  private static final String OPERATOR_TOKEN = SharedApps.OPERATOR_TOKEN;

  /** One slot, about 1.5 s per task: the second task of a pair waits in the queue. */
  private static final String PAIRED = RUN + "-paired";

  /** One slot, tasks that run for minutes unless cancelled; its algorithm has a cancel endpoint. */
  private static final String SLOW = RUN + "-slow";

  /** One slot at first, about 8 s per task: raised through the API while tasks wait. */
  private static final String RAISED = RUN + "-raised";

  /** Quick tasks, for the doors' idempotency. */
  private static final String QUICK = RUN + "-quick";

  private static final List<SampleAlgorithmServer> samples = new ArrayList<>();
  private static SampleAlgorithmServer pairedSample;
  private static SampleAlgorithmServer slowSample;
  private static SampleAlgorithmServer raisedSample;
  private static SampleAlgorithmServer quickSample;
  private static int apiPort;
  private static String resultsTopic;
  private static TaskTraffic traffic;
  private static ManagedChannel channel;
  private static String document;
  private static final HttpClient http = HttpClient.newHttpClient();

  /** Every result read, by taskId: each task must have exactly one. */
  private static final Map<String, List<JsonNode>> results =
      Collections.synchronizedMap(new HashMap<>());

  @BeforeAll
  static void startEverything() throws Exception {
    pairedSample = sample(1500, 1500);
    slowSample = sample(600_000, 600_000);
    raisedSample = sample(8000, 8000);
    quickSample = sample(20, 50);
    var apps = SharedApps.get();
    apps.register(PAIRED, algorithm(PAIRED, pairedSample, 1, false));
    apps.register(SLOW, algorithm(SLOW, slowSample, 1, true));
    apps.register(RAISED, algorithm(RAISED, raisedSample, 1, false));
    apps.register(QUICK, algorithm(QUICK, quickSample, 4, false));
    apiPort = apps.apiPort();
    resultsTopic = apps.resultsTopic();
    traffic = apps.traffic();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", apps.grpcPort()).usePlaintext().build();
    document = SampleDocuments.upload(new StorageSettings(), "demo/").get(0);
  }

  private static SampleAlgorithmServer sample(long minMs, long maxMs) throws Exception {
    var sample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.builder().port(0).latencyMs(minMs, maxMs).build());
    samples.add(sample);
    return sample;
  }

  /** The registry's settings of one of the test's algorithms. */
  private static Map<String, Object> algorithm(
      String name, SampleAlgorithmServer sample, int limit, boolean cancellable) {
    var settings = new LinkedHashMap<String, Object>();
    settings.put("endpoint", sample.invocationUrl(name).toString());
    settings.put("maxConcurrency", limit);
    settings.put("executionTimeoutSeconds", 15 * 60);
    settings.put("maxAttempts", 1);
    if (cancellable) {
      settings.put("cancelEndpoint", sample.cancelUrl(name).toString());
    }
    return settings;
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (traffic != null) {
      traffic.close();
    }
    for (var sample : samples) {
      sample.close();
    }
  }

  // --- gRPC ---

  @Test
  void aGrpcClientSubmitsGetsWatchesEveryChangeInOrderAndTheStreamEnds() throws Exception {
    var first = RUN + "-grpc-first";
    var second = RUN + "-grpc-second";
    var grpc = grpc(ACME_KEY);
    assertThat(grpc.submitTask(grpcRequest(first, PAIRED)).getCreated()).isTrue();
    var submitted = grpc.submitTask(grpcRequest(second, PAIRED));
    assertThat(submitted.getCreated()).isTrue();
    assertThat(submitted.getTask().getTaskId()).isEqualTo(second);
    assertThat(submitted.getTask().getTenant()).isEqualTo("acme");

    // The first holds the only slot: the second waits, and shows its place in the queue.
    await(
        "the second task queued",
        () -> grpc.getTask(get(second)).getStatus() == TaskStatus.TASK_STATUS_QUEUED);
    var queued = grpc.getTask(get(second));
    assertThat(queued.hasQueuePosition()).isTrue();
    assertThat(queued.getQueuePosition()).isZero();

    var events = new ArrayList<TaskEvent>();
    grpc.withDeadlineAfter(60, TimeUnit.SECONDS)
        .watchTask(WatchTaskRequest.newBuilder().setTaskId(second).setAfterSequence(0).build())
        .forEachRemaining(events::add); // ends with the task
    assertThat(events)
        .extracting(TaskEvent::getStatus)
        .containsExactly(
            TaskStatus.TASK_STATUS_ACCEPTED,
            TaskStatus.TASK_STATUS_QUEUED,
            TaskStatus.TASK_STATUS_RUNNING,
            TaskStatus.TASK_STATUS_SUCCEEDED);
    assertThat(events).extracting(TaskEvent::getSequence).containsExactly(1L, 2L, 3L, 4L);
    var end = events.get(events.size() - 1).getTask();
    assertThat(end.getOutput().getUrl()).startsWith("http");
    assertThat(end.getAttempts()).isEqualTo(1);
    assertThat(end.hasFinishedAt()).isTrue();

    // A client that reconnects after the second event misses nothing after it.
    var again = new ArrayList<TaskEvent>();
    grpc.withDeadlineAfter(10, TimeUnit.SECONDS)
        .watchTask(WatchTaskRequest.newBuilder().setTaskId(second).setAfterSequence(2).build())
        .forEachRemaining(again::add);
    assertThat(again).extracting(TaskEvent::getSequence).containsExactly(3L, 4L);
    // Without a sequence, the stream starts with the current state: here, the end.
    var current = new ArrayList<TaskEvent>();
    grpc.withDeadlineAfter(10, TimeUnit.SECONDS)
        .watchTask(WatchTaskRequest.newBuilder().setTaskId(second).build())
        .forEachRemaining(current::add);
    assertThat(current)
        .extracting(TaskEvent::getStatus)
        .containsExactly(TaskStatus.TASK_STATUS_SUCCEEDED);
    awaitResults(Set.of(first, second));
  }

  // --- HTTP ---

  @Test
  void anHttpClientSubmitsReadsAndCancelsAWaitingTask() throws Exception {
    var first = RUN + "-http-first";
    var second = RUN + "-http-second";
    var created = send("POST", "/v1/tasks", ACME_KEY, httpRequest(first, PAIRED));
    assertThat(created.statusCode()).isEqualTo(202);
    assertThat(body(created).path("status").asString()).isIn("ACCEPTED", "QUEUED", "RUNNING");
    // the first holds the slot before the second asks for it, else the second may take it
    await("the first task running", () -> "RUNNING".equals(TestRecords.statusOf(first)));
    assertThat(send("POST", "/v1/tasks", ACME_KEY, httpRequest(second, PAIRED)).statusCode())
        .isEqualTo(202);
    await(
        "the second task queued",
        () ->
            "QUEUED"
                .equals(
                    body(send("GET", "/v1/tasks/" + second, ACME_KEY, null))
                        .path("status")
                        .asString()));
    var waiting = body(send("GET", "/v1/tasks/" + second, ACME_KEY, null));
    assertThat(waiting.path("queuePosition").asLong()).isZero();
    assertThat(waiting.path("submittedAt").asString()).isNotEmpty();
    assertThat(waiting.path("metadata").path("run").asString()).isEqualTo(RUN);

    var cancel = send("DELETE", "/v1/tasks/" + second, ACME_KEY, null);
    assertThat(cancel.statusCode()).isEqualTo(202);
    await(
        "the cancelled task ended",
        () ->
            "CANCELLED"
                .equals(
                    body(send("GET", "/v1/tasks/" + second, ACME_KEY, null))
                        .path("status")
                        .asString()));
    var cancelled = body(send("GET", "/v1/tasks/" + second, ACME_KEY, null));
    assertThat(cancelled.path("error").path("code").asString()).isEqualTo("CANCELLED");
    assertThat(cancelled.path("attempts").asInt()).isZero();
    var again = send("DELETE", "/v1/tasks/" + second, ACME_KEY, null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(body(again).path("taskStatus").asString()).isEqualTo("CANCELLED");

    var done = awaitResults(Set.of(first, second));
    assertThat(done.get(first).path("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.get(second).path("status").asString()).isEqualTo("CANCELLED");
    var finished = body(send("GET", "/v1/tasks/" + first, ACME_KEY, null));
    assertThat(finished.path("output").path("url").asString()).startsWith("http");
    assertThat(finished.path("startedAt").asString()).isNotEmpty();
    assertThat(finished.path("lateCallbacks").asInt()).isZero();
  }

  // --- one task, whichever door ---

  @Test
  void theSameTaskIdThroughKafkaGrpcAndHttpIsOneTaskWithOneRunAndOneResult() throws Exception {
    var taskId = RUN + "-three-doors";
    var request = httpRequest(taskId, QUICK);
    traffic.submit(request);
    var grpcAnswer = submitUntilKnown(taskId);
    var httpAnswer = send("POST", "/v1/tasks", ACME_KEY, request);
    assertThat(httpAnswer.statusCode()).as("the existing task, not a new one").isEqualTo(200);
    assertThat(body(httpAnswer).path("taskId").asString()).isEqualTo(taskId);
    assertThat(grpcAnswer.getCreated()).isFalse();

    awaitResults(Set.of(taskId));
    traffic.listen(Duration.ofSeconds(3), ApiDoorsIT::collect); // a second result would be here
    assertThat(results.get(taskId)).hasSize(1);
    assertThat(quickSample.stats(QUICK).accepted()).as("one run at the algorithm").isEqualTo(1);
  }

  /** The Kafka record may still be on its way: gRPC either finds it or creates the task itself. */
  private static io.algotask.api.v1.SubmitTaskResponse submitUntilKnown(String taskId) {
    var grpc = grpc(ACME_KEY);
    Awaitility.await("the Kafka request of " + taskId + " recorded")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptionsMatching(
            e ->
                e instanceof StatusRuntimeException refused
                    && refused.getStatus().getCode() == Status.Code.NOT_FOUND)
        .until(() -> grpc.getTask(get(taskId)) != null);
    return grpc.submitTask(grpcRequest(taskId, QUICK));
  }

  // --- cancellation ---

  @Test
  void cancellingARunningTaskFreesItsSlotForTheNextAtOnceAndTellsTheAlgorithm() throws Exception {
    var running = RUN + "-slow-running";
    var waiting = RUN + "-slow-waiting";
    var grpc = grpc(GLOBEX_KEY);
    grpc.submitTask(grpcRequest(running, SLOW).toBuilder().setTenant("globex").build());
    await(
        "the first task running",
        () -> grpc.getTask(get(running)).getStatus() == TaskStatus.TASK_STATUS_RUNNING);
    grpc.submitTask(grpcRequest(waiting, SLOW).toBuilder().setTenant("globex").build());
    await(
        "the second task queued",
        () -> grpc.getTask(get(waiting)).getStatus() == TaskStatus.TASK_STATUS_QUEUED);

    // Another tenant's key cannot cancel it, nor see it.
    assertGrpcRefused(() -> grpc(ACME_KEY).cancelTask(cancel(running)), Status.Code.NOT_FOUND);
    assertThat(send("DELETE", "/v1/tasks/" + running, ACME_KEY, null).statusCode()).isEqualTo(404);

    var cancelledAt = Instant.now();
    grpc.cancelTask(cancel(running));
    await(
        "the waiting task running",
        () -> grpc.getTask(get(waiting)).getStatus() == TaskStatus.TASK_STATUS_RUNNING);
    var handedOn = Duration.between(cancelledAt, Instant.now());
    // the end's one step hands the slot on first, then records the cancel
    await(
        "the cancelled task recorded",
        () -> grpc.getTask(get(running)).getStatus() == TaskStatus.TASK_STATUS_CANCELLED);
    var ended = grpc.getTask(get(running));
    assertThat(ended.getError().getCode()).isEqualTo("CANCELLED");
    assertThat(handedOn)
        .as("the slot went to the next waiter at once")
        .isLessThan(Duration.ofSeconds(3));
    await("the algorithm told of the cancel", () -> slowSample.stats(SLOW).cancelled() == 1);
    assertThat(slowSample.stats(SLOW).peakRunning()).isEqualTo(1);

    grpc.cancelTask(cancel(waiting)); // a running one too, for the tidy end
    var done = awaitResults(Set.of(running, waiting));
    assertThat(done.values())
        .extracting(r -> r.path("status").asString())
        .containsOnly("CANCELLED");
    traffic.listen(Duration.ofSeconds(2), ApiDoorsIT::collect);
    assertThat(results.get(running)).hasSize(1);
    assertThat(results.get(waiting)).hasSize(1);
    assertGrpcRefused(() -> grpc.cancelTask(cancel(running)), Status.Code.FAILED_PRECONDITION);
  }

  // --- the registry ---

  @Test
  void aLimitRaisedThroughTheApiLetsWaitingTasksStartAtOnce() throws Exception {
    var taskIds = new ArrayList<String>();
    for (int i = 0; i < 4; i++) {
      var taskId = RUN + "-raised-" + i;
      taskIds.add(taskId);
      assertThat(send("POST", "/v1/tasks", ACME_KEY, httpRequest(taskId, RAISED)).statusCode())
          .isEqualTo(202);
    }
    await(
        "one running and three waiting",
        () -> {
          var algorithm = operatorView(RAISED);
          return algorithm.path("slotsInUse").asLong() == 1
              && algorithm.path("tasksWaiting").asLong() == 3;
        });
    assertThat(raisedSample.stats(RAISED).peakRunning()).isEqualTo(1);

    var raisedAt = System.nanoTime();
    var put = send("PUT", "/v1/algorithms/" + RAISED, OPERATOR_TOKEN, Map.of("maxConcurrency", 4));
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(body(put).path("maxConcurrency").asInt()).isEqualTo(4);
    assertThat(body(put).path("effectiveLimit").asInt()).isEqualTo(4);
    assertThat(body(put).path("endpoint").asString())
        .as("the fields not given stay")
        .contains(RAISED);
    await("four running at the algorithm", () -> raisedSample.stats(RAISED).running() == 4);
    var started = Duration.ofNanos(System.nanoTime() - raisedAt);
    assertThat(started)
        .as("the waiting tasks started long before the first one's 8 s were over")
        .isLessThan(Duration.ofSeconds(3));
    assertThat(raisedSample.stats(RAISED).peakRunning()).isEqualTo(4);
    awaitResults(Set.copyOf(taskIds));
  }

  // --- credentials ---

  @Test
  void callsWithoutOrWithTheWrongCredentialAreRefused() throws Exception {
    assertThat(send("GET", "/v1/tasks/anything", null, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/v1/tasks/anything", "not-a-key", null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/v1/algorithms", ACME_KEY, null).statusCode())
        .as("a client key is not the operator token")
        .isEqualTo(401);
    assertThat(
            send("PUT", "/v1/algorithms/" + RAISED, ACME_KEY, Map.of("maxConcurrency", 9))
                .statusCode())
        .isEqualTo(401);
    var refused = send("POST", "/v1/tasks", GLOBEX_KEY, httpRequest(RUN + "-not-mine", QUICK));
    assertThat(refused.statusCode()).as("globex's key submitting for acme").isEqualTo(403);
    assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertGrpcRefused(() -> grpc(null).getTask(get("anything")), Status.Code.UNAUTHENTICATED);
    assertGrpcRefused(
        () -> grpc("not-a-key").getTask(get("anything")), Status.Code.UNAUTHENTICATED);
    assertGrpcRefused(
        () -> grpc(GLOBEX_KEY).submitTask(grpcRequest(RUN + "-not-mine", QUICK)),
        Status.Code.PERMISSION_DENIED);
  }

  // --- helpers ---

  private static Map<String, Object> httpRequest(String taskId, String algorithm) {
    var request = new LinkedHashMap<String, Object>();
    request.put("taskId", taskId);
    request.put("algorithm", algorithm);
    request.put("tenant", "acme");
    request.put("input", Map.of("uri", document));
    request.put("replyTopic", resultsTopic);
    request.put("metadata", Map.of("run", RUN));
    return request;
  }

  private static SubmitTaskRequest grpcRequest(String taskId, String algorithm) {
    return SubmitTaskRequest.newBuilder()
        .setTaskId(taskId)
        .setAlgorithm(algorithm)
        .setTenant("acme")
        .setInput(Input.newBuilder().setUri(document))
        .setReplyTopic(resultsTopic)
        .putMetadata("run", RUN)
        .build();
  }

  private static GetTaskRequest get(String taskId) {
    return GetTaskRequest.newBuilder().setTaskId(taskId).build();
  }

  private static CancelTaskRequest cancel(String taskId) {
    return CancelTaskRequest.newBuilder().setTaskId(taskId).build();
  }

  private static TaskServiceGrpc.TaskServiceBlockingStub grpc(String key) {
    var stub = TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    if (key == null) {
      return stub;
    }
    var headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static void assertGrpcRefused(Runnable call, Status.Code code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }

  private static HttpResponse<String> send(String method, String path, String bearer, Object body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .header("Content-Type", "application/json");
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode body(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  private static JsonNode operatorView(String algorithm) throws Exception {
    for (var each : body(send("GET", "/v1/algorithms", OPERATOR_TOKEN, null))) {
      if (each.path("name").asString().equals(algorithm)) {
        return each;
      }
    }
    throw new AssertionError("no algorithm " + algorithm);
  }

  private static void collect(JsonNode result) {
    results
        .computeIfAbsent(
            result.path("taskId").asString(), id -> Collections.synchronizedList(new ArrayList<>()))
        .add(result);
  }

  private static Map<String, JsonNode> awaitResults(Set<String> taskIds) {
    var missing = new HashSet<>(taskIds);
    missing.removeAll(results.keySet());
    traffic.awaitResults(missing, Duration.ofSeconds(90), ApiDoorsIT::collect);
    var found = new HashMap<String, JsonNode>();
    for (var taskId : taskIds) {
      assertThat(results).as("a result for " + taskId).containsKey(taskId);
      found.put(taskId, results.get(taskId).get(0));
    }
    return found;
  }

  /** Polls until the condition holds; fails after 60 s. */
  private static void await(String what, Callable<Boolean> condition) {
    Awaitility.await(what)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(condition);
  }
}
