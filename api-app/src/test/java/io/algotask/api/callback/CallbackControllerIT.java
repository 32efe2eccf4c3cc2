package io.algotask.api.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskStore;
import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tokens.CallbackTokens;
import io.algotask.workflows.model.TaskStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** Contract section 4, answer by answer, against the real database. */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "spring.grpc.server.port=0")
@ActiveProfiles("it")
class CallbackControllerIT {
  private static final String SUCCEEDED = "{\"attempt\":1,\"status\":\"SUCCEEDED\"}";

  @LocalServerPort int port;
  @Autowired TaskStore store;
  @Autowired CallbackTokens tokens;

  private final HttpClient http = HttpClient.newHttpClient();
  private String taskId;
  private String token;

  @BeforeEach
  void aRunningAttempt() {
    taskId = "cb-" + UUID.randomUUID();
    var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    store.insertIfAbsent(
        new TaskStore.NewTask(
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
    store.startAttempt(taskId, 1, "e1:1", now.plusSeconds(60));
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
    var execution = store.findExecution(taskId, 1).orElseThrow();
    assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(execution.callback())
        .contains("s3://algotask-results/results/acme/" + taskId + "/attempt-1");
  }

  @Test
  void theBearerSchemeIsCaseInsensitive() throws Exception {
    assertThat(post(taskId, "bearer " + token, SUCCEEDED).statusCode()).isEqualTo(202);
  }

  @Test
  void theSameCallbackAgainIsOkAndChangesNothing() throws Exception {
    assertThat(post(taskId, "Bearer " + token, SUCCEEDED).statusCode()).isEqualTo(202);
    var execution = store.findExecution(taskId, 1).orElseThrow();
    var task = store.snapshot(taskId).orElseThrow();
    var lastEvent = store.latestEvent(taskId).orElseThrow();
    assertThat(task.repeatedCallbacks()).as("the first callback is no repeat").isZero();

    assertThat(post(taskId, "Bearer " + token, SUCCEEDED).statusCode()).isEqualTo(200);

    assertThat(store.findExecution(taskId, 1).orElseThrow())
        .usingRecursiveComparison()
        .isEqualTo(execution);
    var counted = store.snapshot(taskId).orElseThrow();
    assertThat(counted.repeatedCallbacks()).isEqualTo(1);
    assertThat(counted)
        .as("nothing else of the task changed")
        .usingRecursiveComparison()
        .ignoringFields("repeatedCallbacks")
        .isEqualTo(task);
    assertThat(store.latestEvent(taskId)).as("no event for a count").contains(lastEvent);
  }

  @Test
  void aCallbackForAnAttemptThatIsOverIsAConflictAndCountedAsLate() throws Exception {
    store.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT);

    var response = post(taskId, "Bearer " + token, SUCCEEDED);

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("\"code\":\"ATTEMPT_OVER\"");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(store.findExecution(taskId, 1).orElseThrow().status())
        .isEqualTo(ExecutionStatus.TIMED_OUT);
    assertThat(store.find(taskId).orElseThrow().lateCallbacks()).isEqualTo(1);
    assertThat(store.find(taskId).orElseThrow().repeatedCallbacks()).isZero();
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
    assertThat(store.findExecution(taskId, 1).orElseThrow().status())
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    var task = store.find(taskId).orElseThrow();
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

    assertThat(store.findExecution(taskId, 1).orElseThrow().status())
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

  @Test
  void aTaskThatDoesNotExistIsNotFound() throws Exception {
    var ghost = "ghost-" + UUID.randomUUID();
    var response =
        post(ghost, "Bearer " + tokenFor(ghost, 1, Instant.now().plusSeconds(60)), SUCCEEDED);

    assertThat(response.statusCode()).isEqualTo(404);
  }
}
