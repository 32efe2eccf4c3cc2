package io.algotask.api.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskExecutionRecords;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskSnapshots;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tokens.CallbackTokens;
import io.algotask.api.ApiTestSupport;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/** Contract section 4, answer by answer, against the real database. */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "spring.grpc.server.port=0")
@ActiveProfiles("it")
class CallbackControllerIT {
  private static final String SUCCEEDED = "{\"attempt\":1,\"status\":\"SUCCEEDED\"}";

  @LocalServerPort int port;
  @Autowired TaskRecords tasks;
  @Autowired TaskExecutionRecords executions;
  @Autowired TaskSnapshots snapshots;
  @Autowired TaskTransitions transitions;
  @Autowired CallbackTokens tokens;
  @Autowired WorkflowClient temporal;
  @Autowired JsonMapper json;

  private final HttpClient http = HttpClient.newHttpClient();
  private String taskId;
  private String token;

  @BeforeEach
  void aRunningAttempt() {
    taskId = "cb-" + UUID.randomUUID();
    var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    transitions.insertIfAbsent(
        new TaskTransitions.NewTask(
            taskId,
            "ocr",
            "acme",
            3,
            TaskStatus.ACCEPTED,
            "algotask.task.results",
            "{}",
            null,
            null,
            now,
            null));
    transitions.startAttempt(taskId, 1, "e1:1", now.plusSeconds(60));
    token = tokenFor(taskId, 1, now.plusSeconds(3600));
  }

  private String tokenFor(String task, int attempt, Instant expiresAt) {
    return tokens.mint(new CallbackClaims(task, attempt, "ocr", expiresAt));
  }

  private HttpResponse<String> post(String task, String authorization, String body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/tasks/" + task + "/callback"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theFirstCallbackIsAcceptedAndRecorded() throws Exception {
    var response = post(taskId, "Bearer " + token, SUCCEEDED);

    assertThat(response.statusCode()).isEqualTo(202);
    var execution = executions.findAttempt(taskId, 1).orElseThrow();
    assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(execution.callback())
        .contains("s3://algotask-results/results/acme/" + taskId + "/attempt-1");
  }

  @Test
  void whatTheAlgorithmReportsIsStoredCutToTheContractsSizes() throws Exception {
    var failed =
        "{\"attempt\":1,\"status\":\"FAILED\",\"error\":{\"code\":\""
            + "C".repeat(1000)
            + "\",\"message\":\""
            + "m".repeat(20_000)
            + "\"}}";

    assertThat(post(taskId, "Bearer " + token, failed).statusCode()).isEqualTo(202);
    assertThat(post(taskId, "Bearer " + token, failed).statusCode())
        .as("the same callback again, cut the same way")
        .isEqualTo(200);

    var callback = json.readTree(executions.findAttempt(taskId, 1).orElseThrow().callback());
    var code = callback.path("error").path("code").asString();
    var message = callback.path("error").path("message").asString();
    assertThat(code).hasSize(256).endsWith("…");
    assertThat(message).endsWith("…");
    assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
  }

  @Test
  void aContentTypeIsStoredCutTo256Characters() throws Exception {
    var succeeded =
        "{\"attempt\":1,\"status\":\"SUCCEEDED\",\"output\":{\"contentType\":\"text/"
            + "x".repeat(1000)
            + "\"}}";

    assertThat(post(taskId, "Bearer " + token, succeeded).statusCode()).isEqualTo(202);

    var callback = json.readTree(executions.findAttempt(taskId, 1).orElseThrow().callback());
    assertThat(callback.path("output").path("contentType").asString())
        .hasSize(256)
        .startsWith("text/x")
        .endsWith("…");
  }

  @Test
  void theBearerSchemeIsCaseInsensitive() throws Exception {
    assertThat(post(taskId, "bearer " + token, SUCCEEDED).statusCode()).isEqualTo(202);
  }

  @Test
  void theSameCallbackAgainIsOkAndChangesNothing() throws Exception {
    assertThat(post(taskId, "Bearer " + token, SUCCEEDED).statusCode()).isEqualTo(202);
    var execution = executions.findAttempt(taskId, 1).orElseThrow();
    var task = snapshots.snapshot(taskId).orElseThrow();
    var lastEvent = snapshots.latestEvent(taskId).orElseThrow();
    assertThat(task.repeatedCallbacks()).as("the first callback is no repeat").isZero();

    assertThat(post(taskId, "Bearer " + token, SUCCEEDED).statusCode()).isEqualTo(200);

    assertThat(executions.findAttempt(taskId, 1).orElseThrow())
        .usingRecursiveComparison()
        .isEqualTo(execution);
    var counted = snapshots.snapshot(taskId).orElseThrow();
    assertThat(counted.repeatedCallbacks()).isEqualTo(1);
    assertThat(counted)
        .as("nothing else of the task changed")
        .usingRecursiveComparison()
        .ignoringFields("repeatedCallbacks")
        .isEqualTo(task);
    assertThat(snapshots.latestEvent(taskId)).as("no event for a count").contains(lastEvent);
  }

  /**
   * An algorithm that repeats its callback (a retry loop of its own, or a chatty one) must not grow
   * the workflow's history: the workflow has the report from the first signal. The stand-in
   * workflow runs on a task queue nobody polls, so its history holds exactly what was sent to it.
   */
  @Test
  void aThousandRepeatsOfACallbackAddABoundedNumberOfHistoryEvents() throws Exception {
    var workflowId = TaskWorkflowIds.forTask(taskId);
    temporal
        .newUntypedWorkflowStub(
            "AlgorithmTaskWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue("callback-it-unpolled-" + UUID.randomUUID())
                .build())
        .start();
    try {
      assertThat(post(taskId, "Bearer " + token, SUCCEEDED).statusCode()).isEqualTo(202);
      var eventsAfterTheFirst = temporal.fetchHistory(workflowId).getEvents().size();

      var senders = Executors.newFixedThreadPool(8);
      try {
        var answers =
            IntStream.range(0, 1000)
                .mapToObj(i -> senders.submit(() -> post(taskId, "Bearer " + token, SUCCEEDED)))
                .toList();
        for (var answer : answers) {
          assertThat(answer.get().statusCode()).isEqualTo(200);
        }
      } finally {
        senders.shutdownNow();
      }

      var events = temporal.fetchHistory(workflowId).getEvents();
      var callbackSignals =
          events.stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
              .filter(
                  e ->
                      e.getWorkflowExecutionSignaledEventAttributes()
                          .getSignalName()
                          .equals("callbackReceived"))
              .count();
      assertThat(callbackSignals).as("the first callback's signal, and no repeat's").isEqualTo(1);
      assertThat(events).as("no event for any repeat").hasSize(eventsAfterTheFirst);
      assertThat(tasks.findById(taskId).orElseThrow().repeatedCallbacks()).isEqualTo(1000);
    } finally {
      temporal.newUntypedWorkflowStub(workflowId).terminate("test over");
    }
  }

  /** A repeat still signals while the workflow has not got the report (the first signal failed). */
  @Test
  void aRepeatSignalsTheWorkflowWhenTheFirstSignalFailed() throws Exception {
    // no workflow yet: the first callback is recorded, its signal fails
    assertThat(post(taskId, "Bearer " + token, SUCCEEDED).statusCode()).isEqualTo(202);
    var workflowId = TaskWorkflowIds.forTask(taskId);
    temporal
        .newUntypedWorkflowStub(
            "AlgorithmTaskWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue("callback-it-unpolled-" + UUID.randomUUID())
                .build())
        .start();
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(post(taskId, "Bearer " + token, SUCCEEDED).statusCode()).isEqualTo(200);
      }

      var callbackSignals =
          temporal.fetchHistory(workflowId).getEvents().stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
              .count();
      assertThat(callbackSignals).as("the first repeat makes good the lost signal").isEqualTo(1);
    } finally {
      temporal.newUntypedWorkflowStub(workflowId).terminate("test over");
    }
  }

  @Test
  void aCallbackForAnAttemptThatIsOverIsAConflictAndCountedAsLate() throws Exception {
    transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT);

    var response = post(taskId, "Bearer " + token, SUCCEEDED);

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("\"code\":\"ATTEMPT_OVER\"");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json.readTree(response.body()).path("type").asString())
        .as("the API's own problem type, as every refusal has")
        .isEqualTo(ApiTestSupport.PROBLEM_TYPES + "attempt-over");
    assertThat(executions.findAttempt(taskId, 1).orElseThrow().status())
        .isEqualTo(ExecutionStatus.TIMED_OUT);
    assertThat(tasks.findById(taskId).orElseThrow().lateCallbacks()).isEqualTo(1);
    assertThat(tasks.findById(taskId).orElseThrow().repeatedCallbacks()).isZero();
  }

  @Test
  void aCallbackAfterTheDeadlineIsAConflictThoughTheWorkflowHasNotClosedTheAttempt()
      throws Exception {
    var lateTaskId = "cb-late-" + UUID.randomUUID();
    transitions.insertIfAbsent(
        new TaskTransitions.NewTask(
            lateTaskId,
            "ocr",
            "acme",
            3,
            TaskStatus.ACCEPTED,
            "algotask.task.results",
            "{}",
            null,
            null,
            Instant.now(),
            null));
    transitions.startAttempt(lateTaskId, 1, "e1:1", Instant.now().minusSeconds(1));

    var response =
        post(
            lateTaskId,
            "Bearer " + tokenFor(lateTaskId, 1, Instant.now().plusSeconds(3600)),
            SUCCEEDED);

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("\"code\":\"ATTEMPT_OVER\"");
    assertThat(executions.findAttempt(lateTaskId, 1).orElseThrow().status())
        .isEqualTo(ExecutionStatus.INVOKING);
    assertThat(tasks.findById(lateTaskId).orElseThrow().lateCallbacks()).isEqualTo(1);
  }

  @Test
  void aDifferentOutcomeAfterTheFirstIsAConflict() throws Exception {
    assertThat(post(taskId, "Bearer " + token, SUCCEEDED).statusCode()).isEqualTo(202);

    var response =
        post(
            taskId,
            "Bearer " + token,
            "{\"attempt\":1,\"status\":\"FAILED\",\"error\":{\"code\":\"X\"}}");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(executions.findAttempt(taskId, 1).orElseThrow().status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    var task = tasks.findById(taskId).orElseThrow();
    assertThat(task.lateCallbacks()).isEqualTo(1);
    assertThat(task.repeatedCallbacks()).as("another outcome is no repeat").isZero();
  }

  @Test
  void aMissingForgedExpiredOrForeignTokenIsUnauthorized() throws Exception {
    assertThat(post(taskId, null, SUCCEEDED).statusCode()).isEqualTo(401);
    assertThat(post(taskId, "Bearer ", SUCCEEDED).statusCode()).isEqualTo(401);
    assertThat(post(taskId, "Basic abc", SUCCEEDED).statusCode()).isEqualTo(401);
    var forged = token.substring(0, token.length() - 4) + "AAAA";
    assertThat(post(taskId, "Bearer " + forged, SUCCEEDED).statusCode()).isEqualTo(401);
    var expired = tokenFor(taskId, 1, Instant.now().minusSeconds(1));
    assertThat(post(taskId, "Bearer " + expired, SUCCEEDED).statusCode()).isEqualTo(401);
    var otherTask = tokenFor("someone-else", 1, Instant.now().plusSeconds(60));
    assertThat(post(taskId, "Bearer " + otherTask, SUCCEEDED).statusCode()).isEqualTo(401);
    var otherAttempt = tokenFor(taskId, 2, Instant.now().plusSeconds(60));
    var response = post(taskId, "Bearer " + otherAttempt, SUCCEEDED);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("another attempt");

    assertThat(executions.findAttempt(taskId, 1).orElseThrow().status())
        .as("nothing refused changes the record")
        .isEqualTo(ExecutionStatus.INVOKING);
  }

  @Test
  void aMalformedBodyIsABadRequest() throws Exception {
    for (var body :
        new String[] {
          "not json",
          "{}",
          "{\"attempt\":1}",
          "{\"attempt\":1,\"status\":\"DONE\"}",
          "{\"attempt\":0,\"status\":\"SUCCEEDED\"}",
          "{\"attempt\":1,\"status\":\"SUCCEEDED\",\"output\":{\"uri\":\"s3://algotask-results/elsewhere\"}}"
        }) {
      var response = post(taskId, "Bearer " + token, body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
    }
  }

  private static String kebab(String code) {
    return code.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A bad callback and the answer contract section 4 gives it. */
  private record BadCallback(String name, String task, String authorization, String body) {}

  @Test
  void everyBadCallbackOfTheCorpusGetsTheContractsAnswerAndChangesNothing() throws Exception {
    var parts = token.split("\\.");
    var otherTask = tokenFor("someone-else", 1, Instant.now().plusSeconds(60)).split("\\.");
    var ghost = "ghost-" + UUID.randomUUID();
    var bearer = "Bearer " + token;
    var corpus = new LinkedHashMap<BadCallback, Integer>();
    corpus.put(new BadCallback("no Authorization header", taskId, null, SUCCEEDED), 401);
    corpus.put(new BadCallback("an empty bearer token", taskId, "Bearer ", SUCCEEDED), 401);
    corpus.put(new BadCallback("the Basic scheme", taskId, "Basic YTpi", SUCCEEDED), 401);
    corpus.put(new BadCallback("a token of one part", taskId, "Bearer abc", SUCCEEDED), 401);
    corpus.put(
        new BadCallback(
            "another token version", taskId, "Bearer v2" + token.substring(2), SUCCEEDED),
        401);
    corpus.put(
        new BadCallback(
            "an unknown key id",
            taskId,
            "Bearer v1.no-such-key." + parts[2] + "." + parts[3],
            SUCCEEDED),
        401);
    corpus.put(
        new BadCallback(
            "a forged signature",
            taskId,
            bearer.substring(0, bearer.length() - 4) + "AAAA",
            SUCCEEDED),
        401);
    corpus.put(
        new BadCallback(
            "another task's claims under this signature",
            taskId,
            "Bearer v1." + parts[1] + "." + otherTask[2] + "." + parts[3],
            SUCCEEDED),
        401);
    corpus.put(
        new BadCallback(
            "an expired token",
            taskId,
            "Bearer " + tokenFor(taskId, 1, Instant.now().minusSeconds(1)),
            SUCCEEDED),
        401);
    corpus.put(
        new BadCallback(
            "another task's token", taskId, "Bearer " + String.join(".", otherTask), SUCCEEDED),
        401);
    corpus.put(
        new BadCallback(
            "another attempt's token",
            taskId,
            "Bearer " + tokenFor(taskId, 2, Instant.now().plusSeconds(60)),
            SUCCEEDED),
        401);
    corpus.put(new BadCallback("a body that is not JSON", taskId, bearer, "{oops"), 400);
    corpus.put(new BadCallback("a JSON array", taskId, bearer, "[" + SUCCEEDED + "]"), 400);
    corpus.put(new BadCallback("an empty object", taskId, bearer, "{}"), 400);
    corpus.put(new BadCallback("no body", taskId, bearer, ""), 400);
    corpus.put(
        new BadCallback("an unknown status", taskId, bearer, "{\"attempt\":1,\"status\":\"DONE\"}"),
        400);
    corpus.put(
        new BadCallback(
            "attempt a string", taskId, bearer, "{\"attempt\":\"1\",\"status\":\"SUCCEEDED\"}"),
        400);
    corpus.put(
        new BadCallback(
            "attempt a fraction", taskId, bearer, "{\"attempt\":1.5,\"status\":\"SUCCEEDED\"}"),
        400);
    corpus.put(
        new BadCallback(
            "sizeBytes a string",
            taskId,
            bearer,
            "{\"attempt\":1,\"status\":\"SUCCEEDED\",\"output\":{\"sizeBytes\":\"12\"}}"),
        400);
    corpus.put(
        new BadCallback(
            "an output elsewhere than handed out",
            taskId,
            bearer,
            "{\"attempt\":1,\"status\":\"SUCCEEDED\",\"output\":{\"uri\":\"s3://algotask-results/x\"}}"),
        400);
    corpus.put(
        new BadCallback(
            "a task that does not exist",
            ghost,
            "Bearer " + tokenFor(ghost, 1, Instant.now().plusSeconds(60)),
            SUCCEEDED),
        404);
    corpus.put(
        new BadCallback(
            "an attempt never made",
            taskId,
            "Bearer " + tokenFor(taskId, 2, Instant.now().plusSeconds(60)),
            "{\"attempt\":2,\"status\":\"SUCCEEDED\"}"),
        404);

    var report = new ArrayList<String>();
    report.add("| bad callback | answer | code |");
    report.add("|---|---|---|");
    var wrong = new ArrayList<String>();
    for (var entry : corpus.entrySet()) {
      var bad = entry.getKey();
      var response = post(bad.task(), bad.authorization(), bad.body());
      var problem = json.readTree(response.body());
      var code = problem.path("code").asString();
      report.add("| " + bad.name() + " | " + response.statusCode() + " | " + code + " |");
      if (response.statusCode() != entry.getValue()
          || !response.headers().firstValue("Content-Type").orElse("").contains("problem+json")
          || !problem.path("type").asString().equals(ApiTestSupport.PROBLEM_TYPES + kebab(code))) {
        wrong.add(bad.name() + ": " + response.statusCode() + " " + response.body());
      }
    }
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "bad-callback-report.md"), report);

    assertThat(wrong).as("bad callbacks answered otherwise than the contract says").isEmpty();
    assertThat(executions.findAttempt(taskId, 1).orElseThrow().status())
        .as("nothing refused changes the record")
        .isEqualTo(ExecutionStatus.INVOKING);
    var task = tasks.findById(taskId).orElseThrow();
    assertThat(task.lateCallbacks()).isZero();
    assertThat(task.repeatedCallbacks()).isZero();
    assertThat(post(taskId, bearer, SUCCEEDED).statusCode())
        .as("the real callback after all of them")
        .isEqualTo(202);
  }

  @Test
  void aTaskThatDoesNotExistIsNotFound() throws Exception {
    var ghost = "ghost-" + UUID.randomUUID();
    var response =
        post(ghost, "Bearer " + tokenFor(ghost, 1, Instant.now().plusSeconds(60)), SUCCEEDED);

    assertThat(response.statusCode()).isEqualTo(404);
  }
}
