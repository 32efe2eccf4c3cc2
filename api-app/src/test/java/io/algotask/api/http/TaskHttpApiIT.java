package io.algotask.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tokens.CallbackTokens;
import io.algotask.api.ApiTestSupport;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.temporal.api.enums.v1.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The HTTP API of contract section 5, and the progress endpoint of section 4, status by status. */
class TaskHttpApiIT extends ApiTestSupport {
  private static final String[] TASK_FIELDS = {
    "taskId",
    "algorithm",
    "tenant",
    "priority",
    "status",
    "attempts",
    "queuePosition",
    "progress",
    "output",
    "error",
    "submittedAt",
    "startedAt",
    "finishedAt",
    "lateCallbacks",
    "repeatedCallbacks"
  };

  @Autowired CallbackTokens tokens;
  @Autowired SlotSemaphore semaphore;

  private static String request(String taskId, String tenant) {
    return "{\"taskId\":\""
        + taskId
        + "\",\"algorithm\":\""
        + ALGORITHM
        + "\",\"tenant\":\""
        + tenant
        + "\"}";
  }

  /** Submits a task of tenant acme with acme's key, and returns its taskId. */
  private String submitted(String what) throws Exception {
    var taskId = newTaskId(what);
    var response = call("POST", "/v1/tasks", ACME_KEY, request(taskId, "acme"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return taskId;
  }

  private JsonNode get(String taskId) throws Exception {
    var response = call("GET", "/v1/tasks/" + taskId, ACME_KEY, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return body(response);
  }

  // --- POST /v1/tasks

  @Test
  void submitAnswers202WithTheTaskAndStartsItsWorkflowThen200WithTheSameTask() throws Exception {
    var taskId = newTaskId("submit");
    var first =
        call(
            "POST",
            "/v1/tasks",
            ACME_KEY,
            "{\"taskId\":\""
                + taskId
                + "\",\"algorithm\":\""
                + ALGORITHM
                + "\",\"tenant\":\"acme\",\"priority\":2,\"metadata\":{\"order\":\"o-1\"},"
                + "\"unknownField\":true}");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
    var task = body(first);
    assertThat(task.path("taskId").asString()).isEqualTo(taskId);
    assertThat(task.path("algorithm").asString()).isEqualTo(ALGORITHM);
    assertThat(task.path("tenant").asString()).isEqualTo("acme");
    assertThat(task.path("priority").asInt()).isEqualTo(2);
    assertThat(task.path("status").asString()).isEqualTo("ACCEPTED");
    assertThat(task.path("attempts").asInt()).isZero();
    assertThat(Instant.parse(task.path("submittedAt").asString()))
        .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    assertThat(task.path("metadata").path("order").asString()).isEqualTo("o-1");
    // the workflow runs on this run's task queue, where no worker takes it
    var described = temporal.newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId)).describe();
    assertThat(described.getTaskQueue()).isEqualTo(RUN);

    var again =
        call(
            "POST",
            "/v1/tasks",
            ACME_KEY,
            "{\"taskId\":\""
                + taskId
                + "\",\"algorithm\":\""
                + ALGORITHM
                + "\",\"tenant\":\"acme\",\"priority\":5}");

    assertThat(again.statusCode()).as("the same taskId: created before").isEqualTo(200);
    var existing = body(again);
    assertThat(existing.path("taskId").asString()).isEqualTo(taskId);
    assertThat(existing.path("priority").asInt()).as("the first request stands").isEqualTo(2);
    assertThat(existing.path("submittedAt").asString())
        .isEqualTo(task.path("submittedAt").asString());
  }

  @Test
  void aBrokenRuleIs400WithItsCodeAndFieldAndUsesUpNothing() throws Exception {
    record Case(String body, String code, String field) {}
    var taskId = newTaskId("broken");
    var cases =
        new Case[] {
          new Case(
              "{\"taskId\":\""
                  + taskId
                  + "\",\"algorithm\":\""
                  + RUN
                  + "-nope\",\"tenant\":\"acme\"}",
              "UNKNOWN_ALGORITHM",
              "algorithm"),
          new Case(
              request(taskId, "acme").replace("}", ",\"priority\":9}"),
              "INVALID_REQUEST",
              "priority"),
          new Case(
              request(taskId, "acme").replace("}", ",\"priority\":\"urgent\"}"),
              "INVALID_REQUEST",
              "priority"),
          new Case(
              request(taskId, "acme").replace("}", ",\"maxAttempts\":11}"),
              "INVALID_REQUEST",
              "maxAttempts"),
          new Case(
              request(taskId, "acme").replace("}", ",\"input\":{\"uri\":\"s3://elsewhere/d\"}}"),
              "INVALID_REQUEST",
              "input.uri"),
          new Case(request(taskId, "-acme"), "INVALID_REQUEST", "tenant"),
          new Case(
              request(taskId, "acme").replace("}", ",\"metadata\":{\"k\":\"a\\u0000b\"}}"),
              "INVALID_REQUEST",
              "metadata.k"),
          new Case(
              request(taskId, "acme").replace("}", ",\"params\":{\"p\":[\"\\u0000\"]}}"),
              "INVALID_REQUEST",
              "params.p[0]"),
          new Case("{\"algorithm\":\"" + ALGORITHM + "\"}", "INVALID_REQUEST", "taskId"),
          new Case(
              "{\"taskId\":\"-bad id\",\"algorithm\":\"" + ALGORITHM + "\"}",
              "INVALID_REQUEST",
              "taskId"),
          new Case("this is not JSON", "INVALID_REQUEST", null),
          new Case("[1, 2]", "INVALID_REQUEST", null),
          new Case("", "INVALID_REQUEST", null),
        };
    for (var c : cases) {
      var problem = assertProblem(call("POST", "/v1/tasks", ACME_KEY, c.body()), 400, c.code());
      if (c.field() == null) {
        assertThat(problem.has("field")).as(c.body()).isFalse();
      } else {
        assertThat(problem.path("field").asString()).as(c.body()).isEqualTo(c.field());
      }
    }

    assertThat(tasks.findById(taskId)).as("a refused request is not recorded").isEmpty();
    var corrected = call("POST", "/v1/tasks", ACME_KEY, request(taskId, "acme"));
    assertThat(corrected.statusCode()).as("the corrected request is taken").isEqualTo(202);
  }

  @Test
  void aMissingOrUnknownClientKeyIs401() throws Exception {
    var taskId = submitted("keys");
    for (var bearer : new String[] {null, "", "not-a-key", OPERATOR_TOKEN, ACME_KEY + "x"}) {
      assertProblem(
          call("POST", "/v1/tasks", bearer, request(newTaskId("keys"), "acme")),
          401,
          "UNAUTHENTICATED");
      assertProblem(call("GET", "/v1/tasks/" + taskId, bearer, null), 401, "UNAUTHENTICATED");
      assertProblem(call("DELETE", "/v1/tasks/" + taskId, bearer, null), 401, "UNAUTHENTICATED");
    }
    var basic = callAs("GET", "/v1/tasks/" + taskId, "Basic " + ACME_KEY, null);
    assertProblem(basic, 401, "UNAUTHENTICATED");
  }

  @Test
  void aTenantTheKeyMayNotUseIs403OnSubmit() throws Exception {
    var globexTask = newTaskId("forbidden");
    var problem =
        assertProblem(
            call("POST", "/v1/tasks", ACME_KEY, request(globexTask, "globex")), 403, "FORBIDDEN");
    assertThat(problem.path("field").asString()).isEqualTo("tenant");
    var defaultTenant = newTaskId("forbidden");
    assertProblem(
        call(
            "POST",
            "/v1/tasks",
            ACME_KEY,
            "{\"taskId\":\"" + defaultTenant + "\",\"algorithm\":\"" + ALGORITHM + "\"}"),
        403,
        "FORBIDDEN");

    assertThat(tasks.findById(globexTask)).isEmpty();
    assertThat(tasks.findById(defaultTenant)).isEmpty();
    assertThat(call("POST", "/v1/tasks", GLOBEX_KEY, request(globexTask, "globex")).statusCode())
        .as("globex's own key may")
        .isEqualTo(202);
  }

  @Test
  void anotherTenantsTaskIdIs409TaskIdTaken() throws Exception {
    var taskId = submitted("taken");

    var problem =
        assertProblem(
            call("POST", "/v1/tasks", GLOBEX_KEY, request(taskId, "globex")), 409, "TASK_ID_TAKEN");

    assertThat(problem.path("field").asString()).isEqualTo("taskId");
    assertThat(tasks.findById(taskId).orElseThrow().tenant()).isEqualTo("acme");
  }

  // --- GET /v1/tasks/{taskId}

  @Test
  void getShowsEveryFieldOfTheTaskAsItsRecordsChange() throws Exception {
    // holders with live workflows, so that no slot reconciler on the stack frees them
    var holders = new String[] {submitted("holder"), submitted("holder")};
    var taskId = submitted("fields");
    var accepted = get(taskId);
    for (var field : TASK_FIELDS) {
      assertThat(accepted.has(field)).as("field %s in %s", field, accepted).isTrue();
    }
    for (var absent : new String[] {"queuePosition", "progress", "output", "error", "startedAt"}) {
      assertThat(accepted.path(absent).isNull()).as(absent).isTrue();
    }
    assertThat(accepted.path("lateCallbacks").asInt()).isZero();
    assertThat(accepted.path("repeatedCallbacks").asInt()).isZero();

    // waiting behind a holder: queued, with its place in the queue
    var arrival = Instant.now();
    for (var holder : holders) {
      assertThat(
              semaphore.acquire(
                  new SlotTask(ALGORITHM, holder), 1, arrival, Duration.ofMinutes(5), 2))
          .matches(SlotSemaphore.Acquisition::granted);
    }
    try {
      assertThat(
              semaphore
                  .acquire(new SlotTask(ALGORITHM, taskId), 3, arrival, Duration.ofMinutes(5), 2)
                  .granted())
          .isFalse();
      transitions.markQueued(taskId);
      var queued = get(taskId);
      assertThat(queued.path("status").asString()).isEqualTo("QUEUED");
      assertThat(queued.path("queuePosition").asLong()).isZero();
      semaphore.leave(new SlotTask(ALGORITHM, taskId), 2);
    } finally {
      for (var holder : holders) {
        semaphore.leave(new SlotTask(ALGORITHM, holder), 2);
      }
    }

    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(600));
    transitions.recordProgress(taskId, 1, 40, "page 4 of 10");
    var running = get(taskId);
    assertThat(running.path("status").asString()).isEqualTo("RUNNING");
    assertThat(running.path("attempts").asInt()).isEqualTo(1);
    assertThat(running.path("queuePosition").isNull()).isTrue();
    assertThat(running.path("startedAt").isNull()).isFalse();
    assertThat(running.path("progress").path("attempt").asInt()).isEqualTo(1);
    assertThat(running.path("progress").path("percent").asInt()).isEqualTo(40);
    assertThat(running.path("progress").path("message").asString()).isEqualTo("page 4 of 10");

    var uri = "s3://algotask-results/results/acme/" + taskId + "/attempt-1";
    transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, "{}");
    transitions.recordEnd(
        taskId,
        TaskStatus.SUCCEEDED,
        1,
        null,
        null,
        "{\"uri\":\"" + uri + "\",\"contentType\":\"application/json\",\"sizeBytes\":12}",
        "event-" + taskId);
    transitions.recordCallback(taskId, 1, ExecutionStatus.FAILED, "{}"); // late, and counted
    transitions.recordCallback(taskId, 1, ExecutionStatus.SUCCEEDED, "{}"); // again, and counted
    var succeeded = get(taskId);
    assertThat(succeeded.path("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(succeeded.path("finishedAt").isNull()).isFalse();
    assertThat(succeeded.path("error").isNull()).isTrue();
    assertThat(succeeded.path("lateCallbacks").asInt()).isEqualTo(1);
    assertThat(succeeded.path("repeatedCallbacks").asInt()).isEqualTo(1);
    var output = succeeded.path("output");
    assertThat(output.path("uri").asString()).isEqualTo(uri);
    assertThat(output.path("url").asString()).startsWith("http").contains(taskId);
    assertThat(output.path("urlExpiresAt").isNull()).isFalse();
    assertThat(output.path("contentType").asString()).isEqualTo("application/json");
    assertThat(output.path("sizeBytes").asLong()).isEqualTo(12);

    var failedId = submitted("error");
    transitions.recordEnd(
        failedId,
        TaskStatus.FAILED,
        0,
        ErrorCode.ALGORITHM_ERROR,
        "it broke",
        null,
        "e-" + failedId);
    var failed = get(failedId);
    assertThat(failed.path("status").asString()).isEqualTo("FAILED");
    assertThat(failed.path("error").path("code").asString()).isEqualTo("ALGORITHM_ERROR");
    assertThat(failed.path("error").path("message").asString()).isEqualTo("it broke");
    assertThat(failed.path("output").isNull()).isTrue();
  }

  @Test
  void getOfAnUnknownTaskOrAnotherTenantsIs404() throws Exception {
    var taskId = submitted("hidden");

    assertProblem(call("GET", "/v1/tasks/" + taskId, GLOBEX_KEY, null), 404, "NOT_FOUND");
    assertProblem(
        call("GET", "/v1/tasks/" + RUN + "-no-such-task", ACME_KEY, null), 404, "NOT_FOUND");
    assertThat(call("GET", "/v1/tasks/" + taskId, ALL_TENANTS_KEY, null).statusCode())
        .as("a key of every tenant sees it")
        .isEqualTo(200);
  }

  // --- DELETE /v1/tasks/{taskId}

  @Test
  void cancellingATaskNotOverIs202AndAsksItsWorkflowToCancel() throws Exception {
    var taskId = submitted("cancel");

    var response = call("DELETE", "/v1/tasks/" + taskId, ACME_KEY, null);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(body(response).path("taskId").asString()).isEqualTo(taskId);
    var history = temporal.fetchHistory(TaskWorkflowIds.forTask(taskId));
    assertThat(history.getEvents())
        .anyMatch(
            e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
  }

  @Test
  void cancellingATaskThatIsOverIs409WithItsStatus() throws Exception {
    var taskId = submitted("over");
    transitions.recordEnd(taskId, TaskStatus.SUCCEEDED, 1, null, null, null, "event-" + taskId);

    var response = call("DELETE", "/v1/tasks/" + taskId, ACME_KEY, null);

    var problem = assertProblem(response, 409, "TASK_OVER");
    assertThat(problem.path("taskStatus").asString()).isEqualTo("SUCCEEDED");
    assertThat(Pattern.compile("\"status\"").matcher(response.body()).results().count())
        .as("one status member, the HTTP status: %s", response.body())
        .isEqualTo(1);
  }

  @Test
  void cancellingAnUnknownTaskOrAnotherTenantsIs404() throws Exception {
    var taskId = submitted("cancel-hidden");

    assertProblem(call("DELETE", "/v1/tasks/" + taskId, GLOBEX_KEY, null), 404, "NOT_FOUND");
    assertProblem(
        call("DELETE", "/v1/tasks/" + RUN + "-no-such-task", ACME_KEY, null), 404, "NOT_FOUND");
    var history = temporal.fetchHistory(TaskWorkflowIds.forTask(taskId));
    assertThat(history.getEvents())
        .noneMatch(
            e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
  }

  // --- POST /v1/tasks/{taskId}/progress (contract section 4)

  private String token(String taskId, int attempt) {
    return tokens.mint(
        new CallbackClaims(taskId, attempt, ALGORITHM, Instant.now().plusSeconds(3600)));
  }

  private String running(String what) throws Exception {
    var taskId = submitted(what);
    transitions.startAttempt(taskId, 1, "e1:1", Instant.now().plusSeconds(600));
    return taskId;
  }

  private static String progress(int percent) {
    return "{\"attempt\":1,\"percent\":" + percent + ",\"message\":\"page " + percent + "\"}";
  }

  @Test
  void progressOfARunningAttemptIs202AndShowsOnTheTask() throws Exception {
    var taskId = running("progress");

    var response =
        call("POST", "/v1/tasks/" + taskId + "/progress", token(taskId, 1), progress(40));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    var progress = get(taskId).path("progress");
    assertThat(progress.path("attempt").asInt()).isEqualTo(1);
    assertThat(progress.path("percent").asInt()).isEqualTo(40);
    assertThat(progress.path("message").asString()).isEqualTo("page 40");
    assertThat(Instant.parse(progress.path("updatedAt").asString()))
        .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
  }

  @Test
  void aLongProgressMessageIsStoredCutTo4KiB() throws Exception {
    var taskId = running("progress-long");
    var body = "{\"attempt\":1,\"percent\":5,\"message\":\"" + "é".repeat(10_000) + "\"}";

    var response = call("POST", "/v1/tasks/" + taskId + "/progress", token(taskId, 1), body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    var message = get(taskId).path("progress").path("message").asString();
    assertThat(message).startsWith("éé").endsWith("…");
    assertThat(message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(4096);
  }

  @Test
  void progressOutOfRangeOrMalformedIs400() throws Exception {
    var taskId = running("progress-bad");
    var token = token(taskId, 1);
    for (var body :
        new String[] {
          progress(101), progress(-1), "{\"percent\":5}", "not json", "{\"attempt\":0}"
        }) {
      assertProblem(
          call("POST", "/v1/tasks/" + taskId + "/progress", token, body), 400, "INVALID_REQUEST");
    }
    assertThat(get(taskId).path("progress").isNull()).as("nothing recorded").isTrue();
  }

  @Test
  void progressWithAForgedMissingOrForeignTokenIs401() throws Exception {
    var taskId = running("progress-forged");
    var genuine = token(taskId, 1);
    var forged = genuine.substring(0, genuine.length() - 4) + "AAAA";
    for (var bearer : new String[] {null, forged, token(RUN + "-other", 1), token(taskId, 2)}) {
      assertProblem(
          call("POST", "/v1/tasks/" + taskId + "/progress", bearer, progress(10)),
          401,
          "UNAUTHENTICATED");
    }
    assertThat(get(taskId).path("progress").isNull()).isTrue();
  }

  @Test
  void progressOfAnUnknownTaskIs404() throws Exception {
    var ghost = RUN + "-ghost-" + UUID.randomUUID();

    assertProblem(
        call("POST", "/v1/tasks/" + ghost + "/progress", token(ghost, 1), progress(10)),
        404,
        "NOT_FOUND");
  }

  @Test
  void progressOfAnAttemptThatIsOverIs409() throws Exception {
    var taskId = running("progress-over");
    transitions.closeAttempt(taskId, 1, ExecutionStatus.TIMED_OUT);

    assertProblem(
        call("POST", "/v1/tasks/" + taskId + "/progress", token(taskId, 1), progress(90)),
        409,
        "ATTEMPT_OVER");
    assertThat(get(taskId).path("progress").isNull()).isTrue();
  }
}
