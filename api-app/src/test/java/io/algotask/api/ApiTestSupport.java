package io.algotask.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.TaskExecutionRecords;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskSnapshots;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API tests' app, shared by their classes (one Spring context): on Kafka topics of its own, a
 * task queue of this run that no worker polls (submitted tasks stay ACCEPTED unless a test drives
 * their records), algorithms named for this run, and two client keys of one tenant each. Workflows
 * the tests start are terminated at the end.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.grpc.server.port=0",
      "algotask.topics.requests=api-it.requests",
      "algotask.topics.results=api-it.results",
      "algotask.topics.dead-letter=api-it.dlq",
      "spring.kafka.consumer.group-id=api-it",
      // a list replaces the local profile's whole list: the development client is named again
      "algotask.api.clients[0].name=dev",
      "algotask.api.clients[0].key=" + ApiTestSupport.ALL_TENANTS_KEY,
      "algotask.api.clients[0].tenants=*",
      "algotask.api.clients[1].name=acme",
      "algotask.api.clients[1].key=" + ApiTestSupport.ACME_KEY,
      "algotask.api.clients[1].tenants=acme",
      "algotask.api.clients[2].name=globex",
      "algotask.api.clients[2].key=" + ApiTestSupport.GLOBEX_KEY,
      "algotask.api.clients[2].tenants=globex",
    })
@ActiveProfiles("it")
public abstract class ApiTestSupport {
  public static final String RUN = "api-it-" + UUID.randomUUID().toString().substring(0, 8);

  /** An algorithm of this run, limit 2; its tasks stay ACCEPTED as no worker runs them. */
  public static final String ALGORITHM = RUN + "-ocr";

  public static final String ACME_KEY = "api-it-acme-key";
  public static final String GLOBEX_KEY = "api-it-globex-key";

  /** The development values of the local profile (application.yaml). */
  public static final String OPERATOR_TOKEN = "algotask-dev-operator-token";

  public static final String ALL_TENANTS_KEY = "algotask-dev-client-key";

  /** Where the API's problem types live; each is this and the problem's code in kebab case. */
  public static final String PROBLEM_TYPES = "https://algotask.io/problems/";

  private static final List<String> started = new CopyOnWriteArrayList<>();
  private static WorkflowClient temporalForCleanUp;

  @DynamicPropertySource
  static void ofThisRun(DynamicPropertyRegistry properties) {
    properties.add("algotask.temporal.task-queue", () -> RUN);
    properties.add(
        "algotask.algorithms." + ALGORITHM + ".endpoint", () -> "http://127.0.0.1:9/" + ALGORITHM);
    properties.add("algotask.algorithms." + ALGORITHM + ".max-concurrency", () -> "2");
  }

  @LocalServerPort protected int httpPort;
  @Autowired protected TaskTransitions transitions;
  @Autowired protected TaskRecords tasks;
  @Autowired protected TaskExecutionRecords executions;
  @Autowired protected TaskSnapshots snapshots;
  @Autowired protected WorkflowClient temporal;
  @Autowired protected JsonMapper json;

  protected final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void keepTemporalForCleanUp() {
    temporalForCleanUp = temporal;
  }

  /** A new taskId of this run; its workflow, if any is started, is terminated at the end. */
  protected static String newTaskId(String what) {
    var taskId = RUN + "-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    started.add(taskId);
    return taskId;
  }

  /** Calls with {@code Authorization: Bearer <bearer>}, or with no credential when null. */
  protected HttpResponse<String> call(String method, String path, String bearer, String body)
      throws Exception {
    return callAs(method, path, bearer == null ? null : "Bearer " + bearer, body);
  }

  /** Calls with the {@code Authorization} header as given, or none when null. */
  protected HttpResponse<String> callAs(
      String method, String path, String authorization, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  protected JsonNode body(HttpResponse<String> response) {
    return json.readTree(response.body());
  }

  /**
   * Asserts a refusal as application/problem+json with the given status and code (any code when
   * null), typed like every problem of the API: the project's type named after its code.
   */
  protected JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    var problem = body(response);
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("detail").asString()).isNotBlank();
    var given = problem.path("code").asString();
    assertThat(given).as(response.body()).matches("[A-Z_]+");
    assertThat(problem.path("type").asString())
        .as(response.body())
        .isEqualTo(PROBLEM_TYPES + given.toLowerCase(Locale.ROOT).replace('_', '-'));
    if (code != null) {
      assertThat(given).as(response.body()).isEqualTo(code);
    }
    return problem;
  }

  /** Polls until the value is there, or fails after the patience. */
  protected static <T> T await(String what, Duration patience, Supplier<T> probe) {
    return Awaitility.await(what)
        .atMost(patience)
        .pollInterval(Duration.ofMillis(50))
        .until(probe::get, Objects::nonNull);
  }

  /** Ends a task's workflow if it runs: a test's tasks must not wait for a worker for ever. */
  public static void terminate(WorkflowClient temporal, String taskId) {
    try {
      temporal.newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId)).terminate("test clean-up");
    } catch (RuntimeException notRunning) {
      // a refused request starts no workflow; a finished one is over already
    }
  }

  /** The status a task is recorded with, once a door has recorded it. */
  public static TaskStatus awaitRecorded(TaskRecords tasks, String taskId) {
    return Awaitility.await("task " + taskId + " recorded")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> tasks.findById(taskId), Optional::isPresent)
        .orElseThrow()
        .status();
  }

  @AfterAll
  static void terminateStartedWorkflows() {
    if (temporalForCleanUp == null) {
      return;
    }
    for (var taskId : started) {
      terminate(temporalForCleanUp, taskId);
    }
    started.clear();
  }
}
