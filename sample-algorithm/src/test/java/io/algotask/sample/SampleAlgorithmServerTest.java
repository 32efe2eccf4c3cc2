package io.algotask.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.sample.StorageAndOrchestratorStub.Callback;
import io.algotask.sample.StorageAndOrchestratorStub.Upload;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SampleAlgorithmServerTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private StorageAndOrchestratorStub stub;
  private SampleAlgorithmServer server;

  @BeforeEach
  void start() throws IOException {
    stub = new StorageAndOrchestratorStub();
    server =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder().latencyMs(0, 20).build());
  }

  @AfterEach
  void stop() {
    server.close();
    stub.close();
  }

  @Test
  void readsTheInputUploadsTheOutputAndCallsBack() throws Exception {
    String inputUrl = stub.input("doc-1.pdf", "a document of some bytes");
    ObjectNode invocation = invocation("doc-1", 1, "doc-1.json");
    invocation.putObject("input").put("uri", "s3://in/doc-1.pdf").put("url", inputUrl);
    invocation.putObject("params").put("language", "de");

    HttpResponse<String> answer = post(server.invocationUrl("ocr"), invocation);

    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(answer.body()).path("status").stringValue()).isEqualTo("ACCEPTED");
    Callback callback = eventually(() -> single(stub.callbacks("doc-1")));
    Upload upload = stub.upload("doc-1.json");
    assertThat(upload.contentType()).isEqualTo("application/json");
    assertThat(upload.contentTypeHeaders()).isEqualTo(1);
    JsonNode output = upload.json();
    assertThat(output.path("taskId").stringValue()).isEqualTo("doc-1");
    assertThat(output.path("attempt").intValue()).isEqualTo(1);
    assertThat(output.path("algorithm").stringValue()).isEqualTo("ocr");
    assertThat(output.path("inputBytes").longValue()).isEqualTo(24);
    assertThat(output.path("inputSha256").stringValue())
        .isEqualTo(sha256("a document of some bytes"));
    assertThat(output.path("params").path("language").stringValue()).isEqualTo("de");
    assertThat(stub.inputReads("doc-1.pdf")).isEqualTo(1);

    assertThat(callback.authorization()).isEqualTo("Bearer token-doc-1-1");
    assertThat(callback.body().path("attempt").intValue()).isEqualTo(1);
    assertThat(callback.body().path("status").stringValue()).isEqualTo("SUCCEEDED");
    JsonNode reported = callback.body().path("output");
    assertThat(reported.path("uri").stringValue()).isEqualTo("s3://out/doc-1.json");
    assertThat(reported.path("contentType").stringValue()).isEqualTo("application/json");
    assertThat(reported.path("sizeBytes").longValue()).isEqualTo(upload.bytes().length);
    assertThat(callback.body().has("error")).isFalse();

    AlgorithmStats stats = eventually(() -> whenIdle(server.stats("ocr")));
    assertThat(stats.received()).isEqualTo(1);
    assertThat(stats.accepted()).isEqualTo(1);
    assertThat(stats.callbacksSucceeded()).isEqualTo(1);
    assertThat(stats.peakRunning()).isEqualTo(1);
  }

  @Test
  void worksWithoutAnInputDocument() throws Exception {
    post(server.invocationUrl("llm"), invocation("no-input", 1, "no-input.json"));

    Callback callback = eventually(() -> single(stub.callbacks("no-input")));
    assertThat(callback.body().path("status").stringValue()).isEqualTo("SUCCEEDED");
    assertThat(stub.upload("no-input.json").json().path("inputBytes").longValue()).isZero();
  }

  @Test
  void aRepeatedAttemptStartsNothingNew() throws Exception {
    server.update(server.settings().toBuilder().latencyMs(100, 100).build());
    String inputUrl = stub.input("dup.pdf", "x");
    ObjectNode invocation = invocation("dup", 1, "dup.json");
    invocation.putObject("input").put("url", inputUrl);

    HttpResponse<String> first = post(server.invocationUrl("ocr"), invocation);
    HttpResponse<String> second = post(server.invocationUrl("ocr"), invocation);
    eventually(() -> single(stub.callbacks("dup")));
    HttpResponse<String> afterTheCallback = post(server.invocationUrl("ocr"), invocation);

    assertThat(List.of(first, second, afterTheCallback))
        .extracting(HttpResponse::statusCode)
        .containsOnly(202);
    assertThat(JSON.readTree(second.body()).path("duplicate").booleanValue()).isTrue();
    AlgorithmStats stats = eventually(() -> whenIdle(server.stats("ocr")));
    assertThat(stats.received()).isEqualTo(3);
    assertThat(stats.accepted()).isEqualTo(1);
    assertThat(stats.duplicates()).isEqualTo(2);
    assertThat(stats.callbacksSucceeded()).isEqualTo(1);
    assertThat(stub.inputReads("dup.pdf")).isEqualTo(1);

    // the next attempt of the same task is new work
    post(server.invocationUrl("ocr"), invocation("dup", 2, "dup-2.json"));
    eventually(() -> assertThat(stub.callbacks("dup")).hasSize(2));
    assertThat(server.stats("ocr").accepted()).isEqualTo(2);
  }

  @Test
  void refusesEverythingAtRefusalRateOne() throws Exception {
    server.update(server.settings().toBuilder().refusalRate(1).build());

    HttpResponse<String> answer = post(server.invocationUrl("ocr"), invocation("no", 1, "no"));

    assertThat(answer.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(answer.body()).path("error").stringValue()).isEqualTo("REFUSED");
    AlgorithmStats stats = server.stats("ocr");
    assertThat(stats.refused()).isEqualTo(1);
    assertThat(stats.accepted()).isZero();
    assertThat(stats.running()).isZero();
  }

  @Test
  void answersBusyWithRetryAfterAndAcceptsTheSameAttemptLater() throws Exception {
    server.update(server.settings().toBuilder().busyRate(1).build());
    ObjectNode invocation = invocation("busy", 1, "busy.json");

    HttpResponse<String> busy = post(server.invocationUrl("ocr"), invocation);

    assertThat(busy.statusCode()).isEqualTo(429);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(server.stats("ocr").running()).isZero();

    server.update(server.settings().toBuilder().busyRate(0).build());
    assertThat(post(server.invocationUrl("ocr"), invocation).statusCode()).isEqualTo(202);
    eventually(() -> single(stub.callbacks("busy")));
    AlgorithmStats stats = eventually(() -> whenIdle(server.stats("ocr")));
    assertThat(stats.busy()).isEqualTo(1);
    assertThat(stats.accepted()).isEqualTo(1);
  }

  @Test
  void answersBusyBeyondTheHiddenCapacityAndMovesItAtRunTime() throws Exception {
    server.update(server.settings().toBuilder().latencyMs(60_000, 60_000).capacity(2).build());
    for (int i = 1; i <= 2; i++) {
      assertThat(
              post(server.invocationUrl("ocr"), invocation("held-" + i, 1, "h.json")).statusCode())
          .isEqualTo(202);
    }

    HttpResponse<String> busy = post(server.invocationUrl("ocr"), invocation("over", 1, "o.json"));

    assertThat(busy.statusCode()).isEqualTo(429);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(
            post(server.invocationUrl("classify"), invocation("other", 1, "c.json")).statusCode())
        .as("the capacity holds per algorithm")
        .isEqualTo(202);
    JsonNode stats = JSON.readTree(get("/stats").body());
    assertThat(stats.path("capacity").intValue()).isEqualTo(2);
    assertThat(stats.path("algorithms").path("ocr").path("overCapacity").longValue()).isEqualTo(1);
    assertThat(stats.path("algorithms").path("ocr").path("busy").longValue()).isEqualTo(1);
    assertThat(stats.path("algorithms").path("ocr").path("running").intValue()).isEqualTo(2);

    HttpResponse<String> raised = put("/capacity", JSON.createObjectNode().put("capacity", 3));

    assertThat(raised.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(raised.body()).path("capacity").intValue()).isEqualTo(3);
    assertThat(server.settings().capacity()).isEqualTo(3);
    assertThat(post(server.invocationUrl("ocr"), invocation("over", 1, "o.json")).statusCode())
        .isEqualTo(202);
    assertThat(post(server.invocationUrl("ocr"), invocation("over", 2, "o.json")).statusCode())
        .isEqualTo(429);
    assertThat(put("/capacity", JSON.createObjectNode().put("capacity", -1)).statusCode())
        .isEqualTo(400);
    assertThat(put("/capacity", JSON.createObjectNode().putNull("capacity")).statusCode())
        .isEqualTo(200);
    assertThat(JSON.readTree(get("/capacity").body()).path("capacity").isNull())
        .as("null: unlimited")
        .isTrue();
    assertThat(post(server.invocationUrl("ocr"), invocation("over", 2, "o.json")).statusCode())
        .isEqualTo(202);
    assertThat(server.stats("ocr").overCapacity()).isEqualTo(2);
  }

  @Test
  void answersServerErrorWithAProblemAndAcceptsTheSameAttemptLater() throws Exception {
    server.update(server.settings().toBuilder().serverErrorRate(1).build());
    ObjectNode invocation = invocation("broken", 1, "broken.json");

    HttpResponse<String> broken = post(server.invocationUrl("ocr"), invocation);

    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(broken.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = JSON.readTree(broken.body());
    assertThat(problem.path("status").intValue()).isEqualTo(500);
    assertThat(problem.path("code").stringValue()).isEqualTo("SERVER_ERROR");
    assertThat(problem.path("detail").stringValue()).contains("serverErrorRate");
    assertThat(server.stats("ocr").running()).isZero();

    server.update(server.settings().toBuilder().serverErrorRate(0).build());
    assertThat(post(server.invocationUrl("ocr"), invocation).statusCode()).isEqualTo(202);
    eventually(() -> single(stub.callbacks("broken")));
    AlgorithmStats stats = eventually(() -> whenIdle(server.stats("ocr")));
    assertThat(stats.received()).isEqualTo(2);
    assertThat(stats.serverErrors()).isEqualTo(1);
    assertThat(stats.accepted()).isEqualTo(1);
    assertThat(stats.callbacksSucceeded()).isEqualTo(1);
  }

  @Test
  void serverErrorsAreDrawnPerDeliveryAndLeaveTheBusyAnswersAlone() throws Exception {
    server.update(server.settings().toBuilder().serverErrorRate(0.5).build());
    List<List<Integer>> answersPerTask = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ObjectNode invocation = invocation("resent-" + i, 1, "resent-" + i + ".json");
      List<Integer> answers = new ArrayList<>();
      while (!answers.contains(202) && answers.size() < 50) { // resent as the orchestrator would
        answers.add(post(server.invocationUrl("ocr"), invocation).statusCode());
      }
      answersPerTask.add(answers);
    }
    assertThat(answersPerTask).allSatisfy(answers -> assertThat(answers).endsWith(202));
    assertThat(answersPerTask)
        .as("some attempt answered 500 first and 202 when sent again")
        .anySatisfy(answers -> assertThat(answers).startsWith(500));
    AlgorithmStats stats = server.stats("ocr");
    assertThat(stats.accepted()).isEqualTo(10);
    assertThat(stats.serverErrors()).isEqualTo(stats.received() - 10).isPositive();

    // the busy answers of a seed come out the same with or without server errors
    SampleAlgorithmSettings busy =
        SampleAlgorithmSettings.forTests().toBuilder().busyRate(0.5).build();
    try (SampleAlgorithmServer plain = SampleAlgorithmServer.start(busy);
        SampleAlgorithmServer broken =
            SampleAlgorithmServer.start(busy.toBuilder().serverErrorRate(0.5).build())) {
      List<Boolean> plainBusy = new ArrayList<>();
      List<Boolean> brokenBusy = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ObjectNode invocation = invocation("busy-" + i, 1, "busy-" + i + ".json");
        plainBusy.add(post(plain.invocationUrl("ocr"), invocation).statusCode() == 429);
        brokenBusy.add(post(broken.invocationUrl("ocr"), invocation).statusCode() == 429);
      }
      assertThat(brokenBusy).isEqualTo(plainBusy).contains(true, false);
      assertThat(broken.stats("ocr").serverErrors()).isPositive();
    }
  }

  @Test
  void aLateCallbackGoesOutAfterTheDeadlineAndTheSlotIsFreedAtTheDeadline() throws Exception {
    server.update(server.settings().toBuilder().lateCallbackRate(1).build());
    stub.answerCallbacksWith(taskId -> 409); // the orchestrator timed the attempt out
    Instant deadline = Instant.now().plusMillis(1500);

    post(server.invocationUrl("ocr"), invocation("late", 1, "late.json", deadline));
    post(server.invocationUrl("ocr"), invocation("late-cancelled", 1, "late-2.json", deadline));

    eventually(() -> assertThat(stub.upload("late.json")).isNotNull());
    eventually(() -> assertThat(stub.upload("late-2.json")).isNotNull());
    assertThat(Instant.now()).as("the work is done before the deadline").isBefore(deadline);
    assertThat(server.stats("ocr").running()).isEqualTo(2);
    // its work is done and its callback held: until the deadline it can still be cancelled
    assertThat(cancel("ocr", "late-cancelled", 1).statusCode()).isEqualTo(202);
    assertThat(server.stats("ocr").running()).isEqualTo(1);

    eventually(() -> assertThat(server.stats("ocr").running()).isZero());
    assertThat(Instant.now()).isAfterOrEqualTo(deadline);
    assertThat(stub.callbacks()).as("no callback yet when the slot is freed").isEmpty();

    Callback late = eventually(() -> single(stub.callbacks("late")));
    assertThat(late.receivedAt())
        .isAfterOrEqualTo(deadline.plus(AttemptRunner.LATE_CALLBACK_DELAY));
    assertThat(late.body().path("status").stringValue()).isEqualTo("SUCCEEDED");
    assertThat(late.body().path("output").path("uri").stringValue())
        .isEqualTo("s3://out/late.json");
    AlgorithmStats stats = eventually(() -> whenIdle(server.stats("ocr")));
    assertThat(stats.lateCallbacks()).isEqualTo(1);
    assertThat(stats.lateCallbackAnswers()).isEqualTo(Map.of("409", 1L));
    assertThat(stats.callbacksRejected()).isEqualTo(1);
    assertThat(stats.cancelled()).isEqualTo(1);
    assertThat(stats.peakRunning()).isEqualTo(2);
    Thread.sleep(200); // the cancelled one would have called back with the other
    assertThat(stub.callbacks("late-cancelled")).isEmpty();
  }

  @Test
  void repeatsTheSameCallbackOnceAfterItWasAnswered() throws Exception {
    server.update(server.settings().toBuilder().duplicateCallbackRate(1).build());
    stub.answerCallbacksInTurn(202, 200);

    post(server.invocationUrl("ocr"), invocation("twice", 1, "twice.json"));

    AlgorithmStats stats =
        eventually(
            () -> {
              AlgorithmStats idle = whenIdle(server.stats("ocr"));
              assertThat(idle.repeatedCallbackAnswers()).isEqualTo(Map.of("200", 1L));
              return idle;
            });
    List<Callback> callbacks = stub.callbacks("twice");
    assertThat(callbacks).hasSize(2);
    assertThat(callbacks.get(1).body()).isEqualTo(callbacks.get(0).body());
    assertThat(callbacks.get(1).authorization()).isEqualTo(callbacks.get(0).authorization());
    assertThat(stats.repeatedCallbacks()).isEqualTo(1);
    assertThat(stats.callbacksSucceeded()).as("the attempt ends once").isEqualTo(1);
    assertThat(stats.lateCallbacks()).isZero();
    assertThat(stats.conflictingCallbacks()).isZero();
    assertThat(stats.peakRunning()).isEqualTo(1);
  }

  @Test
  void contradictsAnAnsweredCallbackWithAValidReportOfTheOtherStatus() throws Exception {
    server.update(server.settings().toBuilder().conflictingCallbackRate(1).build());
    stub.answerCallbacksInTurn(202, 409);

    post(server.invocationUrl("ocr"), invocation("said-yes", 1, "said-yes.json"));
    server.update(server.settings().toBuilder().failureRate(1).build());
    post(server.invocationUrl("ocr"), invocation("said-no", 2, "said-no.json"));

    AlgorithmStats stats =
        eventually(
            () -> {
              AlgorithmStats idle = whenIdle(server.stats("ocr"));
              assertThat(idle.conflictingCallbackAnswers()).isEqualTo(Map.of("409", 2L));
              return idle;
            });
    List<Callback> yes = stub.callbacks("said-yes");
    assertThat(yes)
        .extracting(c -> c.body().path("status").stringValue())
        .containsExactly("SUCCEEDED", "FAILED");
    JsonNode yesThenNo = yes.get(1).body();
    assertThat(yesThenNo.path("attempt").intValue()).isEqualTo(1);
    assertThat(yesThenNo.path("error").path("code").stringValue()).isEqualTo("SAMPLE_CONFLICT");
    assertThat(yesThenNo.path("error").path("retryable").booleanValue()).isTrue();
    assertThat(yesThenNo.has("output")).isFalse();
    assertThat(yes.get(1).authorization()).isEqualTo("Bearer token-said-yes-1");

    List<Callback> no = stub.callbacks("said-no");
    assertThat(no)
        .extracting(c -> c.body().path("status").stringValue())
        .containsExactly("FAILED", "SUCCEEDED");
    JsonNode noThenYes = no.get(1).body();
    assertThat(noThenYes.path("attempt").intValue()).isEqualTo(2);
    assertThat(noThenYes.path("output").path("uri").stringValue())
        .isEqualTo("s3://out/said-no.json");
    assertThat(noThenYes.path("output").path("sizeBytes").longValue()).isZero();
    assertThat(noThenYes.has("error")).isFalse();

    assertThat(stats.conflictingCallbacks()).isEqualTo(2);
    assertThat(stats.callbacksSucceeded()).isEqualTo(1);
    assertThat(stats.callbacksFailed()).isEqualTo(1);
    assertThat(stats.callbacksRejected()).isZero();
    assertThat(stats.repeatedCallbacks()).isZero();
  }

  @Test
  void repeatsThenContradictsAndSendsNeitherWithoutAnAnswer() throws Exception {
    server.update(
        server.settings().toBuilder().duplicateCallbackRate(1).conflictingCallbackRate(1).build());
    stub.answerCallbacksInTurn(202, 200, 409);
    String closedPort;
    try (StorageAndOrchestratorStub gone = new StorageAndOrchestratorStub()) {
      closedPort = gone.callbackUrl("unheard");
    }
    ObjectNode unheard = invocation("unheard", 1, "unheard.json");
    ((ObjectNode) unheard.path("callback")).put("url", closedPort);

    post(server.invocationUrl("ocr"), invocation("all-three", 1, "all-three.json"));
    post(server.invocationUrl("ocr"), unheard);

    AlgorithmStats stats =
        eventually(
            () -> {
              AlgorithmStats now = server.stats("ocr");
              assertThat(now.conflictingCallbackAnswers()).isEqualTo(Map.of("409", 1L));
              assertThat(now.callbacksUndelivered()).isEqualTo(1);
              return now;
            });
    assertThat(stub.callbacks("all-three"))
        .extracting(c -> c.body().path("status").stringValue())
        .containsExactly("SUCCEEDED", "SUCCEEDED", "FAILED");
    assertThat(stats.repeatedCallbacks()).isEqualTo(1);
    assertThat(stats.repeatedCallbackAnswers()).isEqualTo(Map.of("200", 1L));
    assertThat(stats.conflictingCallbacks()).as("none for the undelivered one").isEqualTo(1);
    assertThat(stats.callbacksSucceeded()).isEqualTo(1);
  }

  @Test
  void callsBackFailedAtFailureRateOne() throws Exception {
    server.update(server.settings().toBuilder().failureRate(1).build());

    post(server.invocationUrl("ocr"), invocation("fails", 3, "fails.json"));

    Callback callback = eventually(() -> single(stub.callbacks("fails")));
    assertThat(callback.body().path("attempt").intValue()).isEqualTo(3);
    assertThat(callback.body().path("status").stringValue()).isEqualTo("FAILED");
    assertThat(callback.body().path("error").path("code").stringValue())
        .isEqualTo("SAMPLE_FAILURE");
    assertThat(callback.body().path("error").path("retryable").booleanValue()).isTrue();
    assertThat(callback.body().has("output")).isFalse();
    assertThat(stub.upload("fails.json")).isNull();
    assertThat(eventually(() -> whenIdle(server.stats("ocr"))).callbacksFailed()).isEqualTo(1);
  }

  @Test
  void reportsWhichTransferFailed() throws Exception {
    ObjectNode missingInput = invocation("missing-input", 1, "missing-input.json");
    missingInput.putObject("input").put("url", stub.inputUrl("nowhere.pdf"));
    post(server.invocationUrl("ocr"), missingInput);
    Callback downloadFailed = eventually(() -> single(stub.callbacks("missing-input")));
    assertThat(downloadFailed.body().path("error").path("code").stringValue())
        .isEqualTo("INPUT_DOWNLOAD_FAILED");
    assertThat(downloadFailed.body().path("error").path("message").stringValue()).contains("404");

    stub.answerUploadsWith(403);
    post(server.invocationUrl("ocr"), invocation("upload-refused", 1, "upload-refused.json"));
    Callback uploadFailed = eventually(() -> single(stub.callbacks("upload-refused")));
    assertThat(uploadFailed.body().path("status").stringValue()).isEqualTo("FAILED");
    assertThat(uploadFailed.body().path("error").path("code").stringValue())
        .isEqualTo("OUTPUT_UPLOAD_FAILED");
    assertThat(uploadFailed.body().path("error").path("message").stringValue()).contains("403");
  }

  @Test
  void withoutACallbackHoldsTheSlotUntilTheDeadline() throws Exception {
    server.update(server.settings().toBuilder().noCallbackRate(1).build());
    Instant deadline = Instant.now().plusMillis(1500);

    post(server.invocationUrl("ocr"), invocation("silent", 1, "silent.json", deadline));
    post(server.invocationUrl("ocr"), invocation("silent-cancelled", 1, "silent-2.json"));

    assertThat(server.stats("ocr").running()).isEqualTo(2);
    eventually(() -> assertThat(server.stats("ocr").noCallback()).isEqualTo(2));
    assertThat(stub.upload("silent.json")).as("the work is done all the same").isNotNull();
    // a silent attempt is still running, so it can be cancelled
    assertThat(cancel("ocr", "silent-cancelled", 1).statusCode()).isEqualTo(202);
    assertThat(server.stats("ocr").running()).isLessThanOrEqualTo(1);
    eventually(() -> assertThat(server.stats("ocr").running()).isZero());
    assertThat(Instant.now()).isAfterOrEqualTo(deadline);
    assertThat(stub.callbacks()).isEmpty();
    assertThat(server.stats("ocr").peakRunning()).isEqualTo(2);
  }

  @Test
  void cancelStopsARunningAttemptWithoutACallback() throws Exception {
    server.update(server.settings().toBuilder().latencyMs(500, 500).build());
    ObjectNode cancelled = invocation("cancelled", 1, "cancelled.json");
    cancelled.putObject("input").put("url", stub.input("cancelled.pdf", "x"));
    post(server.invocationUrl("ocr"), cancelled);

    HttpResponse<String> answer = cancel("ocr", "cancelled", 1);

    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(answer.body()).path("status").stringValue()).isEqualTo("CANCELLED");
    assertThat(server.stats("ocr").running()).isZero();
    assertThat(cancel("ocr", "cancelled", 1).statusCode()).as("no longer running").isEqualTo(404);
    assertThat(cancel("ocr", "cancelled", 2).statusCode()).as("another attempt").isEqualTo(404);
    assertThat(cancel("ocr", "never-sent", 1).statusCode()).isEqualTo(404);
    assertThat(cancel("nlp", "cancelled", 1).statusCode()).as("another algorithm").isEqualTo(404);

    // an attempt sent after the cancel, with the same latency, calls back after the cancelled
    // one would have: by then the cancelled one has shown it stays silent
    post(server.invocationUrl("ocr"), invocation("after", 1, "after.json"));
    eventually(() -> single(stub.callbacks("after")));
    assertThat(stub.callbacks("cancelled")).isEmpty();
    assertThat(stub.inputReads("cancelled.pdf")).isZero();
    assertThat(stub.upload("cancelled.json")).isNull();
    AlgorithmStats stats = eventually(() -> whenIdle(server.stats("ocr")));
    assertThat(stats.cancelled()).isEqualTo(1);
    assertThat(stats.callbacksSucceeded()).isEqualTo(1);
  }

  @Test
  void aBurstOfConcurrentDeliveriesIsCountedExactly() throws Exception {
    int tasks = 200;
    stub.holdUploads(); // every attempt stays at work until all deliveries were answered
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      ObjectNode invocation = invocation("burst-" + i, 1, "burst-" + i + ".json");
      for (int copy = 0; copy < 2; copy++) { // at-least-once: each attempt delivered twice
        answers.add(CLIENT.sendAsync(request(server.invocationUrl("ocr"), invocation), utf8()));
      }
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();

    assertThat(answers).extracting(answer -> answer.join().statusCode()).containsOnly(202);
    AlgorithmStats held = server.stats("ocr");
    assertThat(held.received()).isEqualTo(2 * tasks);
    assertThat(held.accepted()).isEqualTo(tasks);
    assertThat(held.duplicates()).isEqualTo(tasks);
    assertThat(held.running()).isEqualTo(tasks);
    assertThat(held.peakRunning()).isEqualTo(tasks);

    stub.releaseUploads();
    AlgorithmStats done =
        eventually(
            () -> {
              AlgorithmStats idle = whenIdle(server.stats("ocr"));
              assertThat(idle.callbacksSucceeded()).isEqualTo(tasks);
              return idle;
            });
    assertThat(done.peakRunning()).isEqualTo(tasks);
    assertThat(stub.callbacks().stream().collect(Collectors.groupingBy(Callback::taskId)))
        .hasSize(tasks)
        .allSatisfy((taskId, callbacks) -> assertThat(callbacks).hasSize(1));
    assertThat(stub.uploadCount()).isEqualTo(tasks);
  }

  @Test
  void retriesACallbackAnswered5xxAndStopsAtA4xx() throws Exception {
    AtomicInteger unavailable = new AtomicInteger(2);
    stub.answerCallbacksWith(
        taskId ->
            switch (taskId) {
              case "flaky" -> unavailable.getAndDecrement() > 0 ? 503 : 202;
              case "forged" -> 401;
              default -> 409;
            });

    post(server.invocationUrl("ocr"), invocation("flaky", 1, "flaky.json"));
    post(server.invocationUrl("ocr"), invocation("forged", 1, "forged.json"));
    post(server.invocationUrl("ocr"), invocation("late", 1, "late.json"));

    AlgorithmStats stats =
        eventually(
            () -> {
              AlgorithmStats idle = whenIdle(server.stats("ocr"));
              assertThat(idle.callbacksSucceeded() + idle.callbacksRejected()).isEqualTo(3);
              return idle;
            });
    assertThat(stub.callbacks("flaky")).hasSize(3);
    assertThat(stub.callbacks("forged")).hasSize(1);
    assertThat(stub.callbacks("late")).hasSize(1);
    assertThat(stats.callbacksSucceeded()).isEqualTo(1);
    assertThat(stats.callbacksRejected()).isEqualTo(2);
    assertThat(stats.callbacksUndelivered()).isZero();
  }

  @Test
  void anUndeliverableCallbackHoldsTheSlotUntilTheDeadline() throws Exception {
    String closedPort;
    try (StorageAndOrchestratorStub gone = new StorageAndOrchestratorStub()) {
      closedPort = gone.callbackUrl("gone");
    }
    Instant deadline = Instant.now().plusMillis(3000);
    ObjectNode invocation = invocation("gone", 1, "gone.json", deadline);
    ((ObjectNode) invocation.path("callback")).put("url", closedPort);

    post(server.invocationUrl("ocr"), invocation);

    eventually(() -> assertThat(server.stats("ocr").callbacksUndelivered()).isEqualTo(1));
    assertThat(Instant.now()).isBefore(deadline); // five tries take about 1.5 s
    assertThat(server.stats("ocr").running()).isEqualTo(1);
    eventually(() -> assertThat(server.stats("ocr").running()).isZero());
    assertThat(Instant.now()).isAfterOrEqualTo(deadline);
  }

  @Test
  void closesPromptlyWithWorkInFlight() throws Exception {
    stub.holdCallbacks();
    for (int i = 0; i < 20; i++) {
      post(server.invocationUrl("ocr"), invocation("in-flight-" + i, 1, "in-flight.json"));
    }
    eventually(() -> assertThat(stub.callbacks()).isNotEmpty());

    long started = System.nanoTime();
    server.close();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(thread -> thread.getName().startsWith("sample-algorithm-"))
        .allSatisfy(thread -> assertThat(thread.isAlive()).isFalse());
  }

  static Stream<Arguments> invalidInvocations() {
    return Stream.of(
        Arguments.of("not json", "body"),
        Arguments.of("[1, 2]", "body"),
        Arguments.of(without("taskId"), "taskId"),
        Arguments.of(with("taskId", 42), "taskId"),
        Arguments.of(without("attempt"), "attempt"),
        Arguments.of(with("attempt", 0), "attempt"),
        Arguments.of(with("attempt", "1"), "attempt"),
        Arguments.of(without("output.uploadUrl"), "output.uploadUrl"),
        Arguments.of(with("output.uploadUrl", "not a url"), "output.uploadUrl"),
        Arguments.of(without("callback.url"), "callback.url"),
        Arguments.of(without("callback.token"), "callback.token"),
        Arguments.of(with("callback.token", "a\r\nX-Injected: 1"), "callback.token"),
        Arguments.of(without("deadline"), "deadline"),
        Arguments.of(with("deadline", "tomorrow"), "deadline"),
        Arguments.of(with("input.url", "ftp://storage/x"), "input.url"));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("invalidInvocations")
  void rejectsAnInvalidInvocationNamingTheField(String body, String field) throws Exception {
    HttpResponse<String> answer =
        CLIENT.send(
            HttpRequest.newBuilder(server.invocationUrl("ocr"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            utf8());

    assertThat(answer.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(answer.body());
    assertThat(error.path("field").stringValue()).isEqualTo(field);
    if (!field.equals("body")) {
      assertThat(error.path("message").stringValue()).contains(field);
    }
    AlgorithmStats stats = server.stats("ocr");
    assertThat(stats.received()).isEqualTo(1);
    assertThat(stats.invalid()).isEqualTo(1);
    assertThat(stats.running()).isZero();
  }

  @Test
  void servesHealthStatsAndReset() throws Exception {
    server.update(server.settings().toBuilder().latencyMs(0, 0).build());
    post(server.invocationUrl("ocr"), invocation("stats-1", 1, "stats-1.json"));
    eventually(() -> whenIdle(server.stats("ocr")));

    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(health.body()).path("status").stringValue()).isEqualTo("UP");

    JsonNode ocr = JSON.readTree(get("/stats").body()).path("algorithms").path("ocr");
    assertThat(ocr.path("received").longValue()).isEqualTo(1);
    assertThat(ocr.path("accepted").longValue()).isEqualTo(1);
    assertThat(ocr.path("callbacksSucceeded").longValue()).isEqualTo(1);
    assertThat(ocr.path("running").intValue()).isZero();
    assertThat(ocr.path("peakRunning").intValue()).isEqualTo(1);
    assertThat(ocr.has("refused") && ocr.has("busy") && ocr.has("duplicates")).isTrue();
    assertThat(ocr.path("serverErrors").longValue()).isZero();
    assertThat(ocr.path("lateCallbacks").longValue()).isZero();
    assertThat(ocr.path("lateCallbackAnswers").isObject()).isTrue();
    assertThat(ocr.path("repeatedCallbacks").longValue()).isZero();
    assertThat(ocr.path("repeatedCallbackAnswers").isObject()).isTrue();
    assertThat(ocr.path("conflictingCallbacks").longValue()).isZero();
    assertThat(ocr.path("conflictingCallbackAnswers").isObject()).isTrue();

    HttpResponse<String> reset =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/stats/reset"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            utf8());
    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(server.stats("ocr")).isEqualTo(AlgorithmStats.NONE);
    assertThat(server.stats("never-invoked")).isEqualTo(AlgorithmStats.NONE);

    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    assertThat(get("/algorithms/ocr").statusCode()).isEqualTo(405);
  }

  @Test
  void seededDecisionsDoNotDependOnArrivalOrder() throws Exception {
    server.update(server.settings().toBuilder().refusalRate(0.5).seed(7L).build());
    List<Integer> forwards = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      forwards.add(
          post(server.invocationUrl("ocr"), invocation("seeded-" + i, 1, "s")).statusCode());
    }
    try (SampleAlgorithmServer again =
        SampleAlgorithmServer.start(server.settings().toBuilder().port(0).seed(7L).build())) {
      List<Integer> backwards = new ArrayList<>();
      for (int i = 19; i >= 0; i--) {
        backwards.add(
            0, post(again.invocationUrl("ocr"), invocation("seeded-" + i, 1, "s")).statusCode());
      }
      assertThat(backwards).isEqualTo(forwards).contains(202, 422);
    }
  }

  // --- helpers ---

  private ObjectNode invocation(String taskId, int attempt, String outputName) {
    return invocation(taskId, attempt, outputName, Instant.now().plusSeconds(30));
  }

  private ObjectNode invocation(String taskId, int attempt, String outputName, Instant deadline) {
    ObjectNode invocation = JSON.createObjectNode();
    invocation.put("taskId", taskId);
    invocation.put("attempt", attempt);
    invocation.put("algorithm", "ocr");
    invocation.put("tenant", "acme");
    invocation
        .putObject("output")
        .put("uri", "s3://out/" + outputName)
        .put("uploadUrl", stub.uploadUrl(outputName))
        .put("uploadUrlExpiresAt", deadline.toString());
    invocation
        .putObject("callback")
        .put("url", stub.callbackUrl(taskId))
        .put("token", "token-" + taskId + "-" + attempt);
    invocation.put("deadline", deadline.toString());
    return invocation;
  }

  /** A valid invocation without the field at {@code path}. */
  private static String without(String path) {
    return with(path, null);
  }

  /** A valid invocation with {@code value} at {@code path} (removed when null). */
  private static String with(String path, Object value) {
    ObjectNode invocation = JSON.createObjectNode();
    invocation.put("taskId", "t");
    invocation.put("attempt", 1);
    invocation.putObject("input").put("url", "http://127.0.0.1:1/in");
    invocation.putObject("output").put("uploadUrl", "http://127.0.0.1:1/out");
    invocation.putObject("callback").put("url", "http://127.0.0.1:1/cb").put("token", "t");
    invocation.put("deadline", Instant.now().plusSeconds(30).toString());
    String[] steps = path.split("\\.");
    ObjectNode parent = invocation;
    for (int i = 0; i < steps.length - 1; i++) {
      parent = (ObjectNode) parent.get(steps[i]);
    }
    String field = steps[steps.length - 1];
    if (value == null) {
      parent.remove(field);
    } else {
      parent.set(field, JSON.valueToTree(value));
    }
    return invocation.toString();
  }

  private HttpResponse<String> post(URI url, JsonNode body) throws Exception {
    return CLIENT.send(request(url, body), utf8());
  }

  private HttpResponse<String> cancel(String algorithm, String taskId, int attempt)
      throws Exception {
    ObjectNode body = JSON.createObjectNode().put("taskId", taskId).put("attempt", attempt);
    return post(server.cancelUrl(algorithm), body);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).GET().build(), utf8());
  }

  private HttpResponse<String> put(String path, JsonNode body) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build(),
        utf8());
  }

  private static HttpRequest request(URI url, JsonNode body) {
    return HttpRequest.newBuilder(url)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private static HttpResponse.BodyHandler<String> utf8() {
    return HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);
  }

  private static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  /** Passes once every accepted attempt is over and counted in exactly one outcome. */
  private static AlgorithmStats whenIdle(AlgorithmStats stats) {
    assertThat(stats.running()).isZero();
    assertThat(
            stats.callbacksSucceeded()
                + stats.callbacksFailed()
                + stats.callbacksRejected()
                + stats.callbacksUndelivered()
                + stats.noCallback()
                + stats.cancelled())
        .isEqualTo(stats.accepted());
    return stats;
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Retries {@code check} until it passes, for at most 10 s. */
  static <T> T eventually(Callable<T> check) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .ignoreExceptionsInstanceOf(AssertionError.class)
        .until(check, passed -> true);
  }
}
