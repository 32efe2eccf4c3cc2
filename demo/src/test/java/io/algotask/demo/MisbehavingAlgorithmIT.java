package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.demo.process.JavaProcess;
import io.algotask.sample.AlgorithmStats;
import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Algorithm services that misbehave, over the real local stack: both apps from their jars, and one
 * embedded sample algorithm service per misbehaviour, each registered as an algorithm of its own
 * with a limit of 2 and a short execution timeout. Answers 500, answers 429, refuses, calls back
 * late, calls back twice, contradicts its callback, never calls back. The scenarios' tasks are all
 * submitted at once and run side by side; each test then checks its own: one result per task, the
 * final statuses and error codes of the contract, the limit kept at the algorithm, and what the
 * orchestrator answered to the misbehaviour. Rows go to target/misbehaving-algorithm-report.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MisbehavingAlgorithmIT {
  private static final String RUN = "misbehave-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String REQUESTS = TestApps.requestsTopic(RUN);
  private static final String RESULTS = TestApps.resultsTopic(RUN);

  /** This run's own slot keys, so that the reconciler lease is held by this run's worker. */
  private static final String KEY_PREFIX = "algotask:slots:" + RUN + ":";

  private static final String CLIENT_KEY = "algotask-dev-client-key";
  private static final String TENANT = "misbehave";
  private static final int LIMIT = 2;
  private static final Duration RESULTS_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration EXTRA_LISTEN = Duration.ofSeconds(3);
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How much of the execution timeout may be gone between the deadline's reckoning and the send.
   */
  private static final Duration DEADLINE_SLACK = Duration.ofSeconds(1);

  /** A resend comes a second or more after the first send (Retry-After: 1, or a 1 s backoff). */
  private static final Duration RESENT = Duration.ofMillis(900);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** One misbehaviour: a sample service of its own, registered as an algorithm of its own. */
  private static final class Scenario {
    final String kind;
    final String misbehaviour;
    final int tasks;
    final int maxAttempts;
    final Duration executionTimeout;
    final SampleAlgorithmSettings settings;
    final String algorithm;
    final List<String> taskIds = new ArrayList<>();
    SampleAlgorithmServer sample;
    Instant submitted;
    Instant allIn;
    String whatHappened;
    Integer peakRunning;
    Duration shortestSendToDeadline;
    int attemptsRecorded;
    int sentShortOfTheTimeout;
    int sentAfterTheDeadline;

    Scenario(
        String kind,
        String misbehaviour,
        int tasks,
        int maxAttempts,
        Duration executionTimeout,
        SampleAlgorithmSettings settings) {
      this.kind = kind;
      this.misbehaviour = misbehaviour;
      this.tasks = tasks;
      this.maxAttempts = maxAttempts;
      this.executionTimeout = executionTimeout;
      this.settings = settings;
      this.algorithm = RUN + "-" + kind;
    }
  }

  private static SampleAlgorithmSettings sample() {
    return SampleAlgorithmSettings.forTests().toBuilder()
        .latencyMs(20, 100)
        .workerThreads(4)
        .build();
  }

  private static final Scenario SERVER_ERRORS =
      new Scenario(
          "errors",
          "HTTP 500 on half the deliveries",
          12,
          3,
          Duration.ofSeconds(4),
          sample().toBuilder().serverErrorRate(0.5).build());
  private static final Scenario BUSY =
      new Scenario(
          "busy",
          "HTTP 429 with Retry-After: 1 on half the deliveries",
          12,
          3,
          Duration.ofSeconds(5),
          sample().toBuilder().busyRate(0.5).build());
  private static final Scenario REFUSING =
      new Scenario(
          "refusing",
          "refuses every task (HTTP 422)",
          10,
          3,
          Duration.ofSeconds(4),
          sample().toBuilder().refusalRate(1).build());
  private static final Scenario LATE =
      new Scenario(
          "late",
          "calls back 1 s after the deadline on half the attempts",
          12,
          3,
          Duration.ofSeconds(3),
          sample().toBuilder().lateCallbackRate(0.5).build());
  private static final Scenario DUPLICATE =
      new Scenario(
          "duplicate",
          "sends every callback twice",
          12,
          3,
          Duration.ofSeconds(4),
          sample().toBuilder().duplicateCallbackRate(1).build());
  private static final Scenario CONFLICTING =
      new Scenario(
          "conflicting",
          "contradicts every answered callback (a quarter of the attempts fail)",
          12,
          3,
          Duration.ofSeconds(4),
          sample().toBuilder().conflictingCallbackRate(1).failureRate(0.25).build());
  private static final Scenario SILENT =
      new Scenario(
          "silent",
          "never calls back",
          10,
          2,
          Duration.ofSeconds(3),
          sample().toBuilder().noCallbackRate(1).build());

  private static final List<Scenario> SCENARIOS =
      List.of(SERVER_ERRORS, BUSY, REFUSING, LATE, DUPLICATE, CONFLICTING, SILENT);

  /** Every copy of every result read. */
  private static final ResultLedger LEDGER = new ResultLedger();

  /** The first result read of each task. */
  private static final Map<String, JsonNode> FIRST = new ConcurrentHashMap<>();

  private static Instant classStarted;
  private static Instant appsUp;
  private static JavaProcess worker;
  private static JavaProcess api;
  private static int apiPort;
  private static TaskTraffic traffic;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startEverythingAndSubmitAllScenarios() throws Exception {
    classStarted = Instant.now();
    for (var scenario : SCENARIOS) {
      scenario.sample = SampleAlgorithmServer.start(scenario.settings);
    }
    apiPort = JavaProcess.freePort();
    var common = TestApps.runArguments(RUN, apiPort);
    common.add("--algotask.slots.key-prefix=" + KEY_PREFIX);
    for (var scenario : SCENARIOS) {
      var prefix = "--algotask.algorithms." + scenario.algorithm + ".";
      common.addAll(
          List.of(
              prefix + "endpoint=" + scenario.sample.invocationUrl(scenario.algorithm),
              prefix + "cancel-endpoint=" + scenario.sample.cancelUrl(scenario.algorithm),
              prefix + "max-concurrency=" + LIMIT,
              prefix + "execution-timeout=" + scenario.executionTimeout.toSeconds() + "s",
              prefix + "queue-timeout=5m",
              prefix + "max-attempts=" + scenario.maxAttempts));
    }
    var apps =
        TestApps.startBoth("misbehave", RUN, apiPort, JavaProcess.freePort(), common, List.of());
    worker = apps.worker();
    api = apps.api();
    traffic = new TaskTraffic("127.0.0.1:9092", REQUESTS, RESULTS);
    appsUp = Instant.now();

    // all scenarios at once: they run side by side, each on its own algorithm and slots
    var requests = new ArrayList<Map<String, Object>>();
    for (var scenario : SCENARIOS) {
      for (int i = 0; i < scenario.tasks; i++) {
        var taskId = RUN + "-" + scenario.kind + "-" + i;
        scenario.taskIds.add(taskId);
        var request = new LinkedHashMap<String, Object>();
        request.put("taskId", taskId);
        request.put("algorithm", scenario.algorithm);
        request.put("tenant", TENANT);
        request.put("metadata", Map.of("run", RUN, "scenario", scenario.kind));
        requests.add(request);
      }
    }
    var submitted = Instant.now();
    traffic.submitAll(requests);
    SCENARIOS.forEach(scenario -> scenario.submitted = submitted);
  }

  @AfterAll
  static void stopEverythingAndReport() throws Exception {
    Map<String, List<String>> repeated = Map.of();
    try {
      if (traffic != null) {
        // a late repeat of any scenario's result still counts against it
        traffic.listen(EXTRA_LISTEN, MisbehavingAlgorithmIT::count);
        repeated = LEDGER.repeated();
        traffic.close();
      }
    } finally {
      for (var app : new JavaProcess[] {api, worker}) {
        if (app != null) {
          app.close();
        }
      }
      for (var scenario : SCENARIOS) {
        if (scenario.sample != null) {
          scenario.sample.close();
        }
      }
      writeReport(repeated);
    }
    assertThat(repeated).as("results repeated at any time").isEmpty();
  }

  // ---- the scenarios

  @Test
  @Order(1)
  void refusedTasksFailAtOnceWithAlgorithmRejected() throws Exception {
    var scenario = REFUSING;
    var results = awaitResults(scenario);
    var stats = awaitSettled(scenario, any -> true);
    var tasks = tasksOf(scenario);
    var executions = executionsOf(scenario);
    var soft = new SoftAssertions();
    assertCommon(soft, scenario, results, tasks, executions, stats);

    for (var result : results.values()) {
      soft.assertThat(statusOf(result))
          .as("result of %s", result.path("taskId").asString())
          .isEqualTo("FAILED/ALGORITHM_REJECTED");
      soft.assertThat(result.path("attempts").asInt()).isEqualTo(1);
    }
    soft.assertThat(stats.refused()).as("422 answers").isEqualTo(scenario.tasks);
    soft.assertThat(stats.received()).as("deliveries").isEqualTo(scenario.tasks);
    soft.assertThat(stats.accepted()).isZero();

    scenario.whatHappened =
        String.format(
            "%d deliveries, each answered 422 and never resent; %s, 1 attempt each",
            stats.received(), statuses(results));
    soft.assertAll();
  }

  @Test
  @Order(2)
  void duplicateCallbacksAreAnswered200AndChangeNothing() throws Exception {
    var scenario = DUPLICATE;
    var results = awaitResults(scenario);
    var stats =
        awaitSettled(scenario, now -> total(now.repeatedCallbackAnswers()) == now.accepted());
    var tasks = tasksOf(scenario);
    var executions = executionsOf(scenario);
    var soft = new SoftAssertions();
    assertCommon(soft, scenario, results, tasks, executions, stats);

    for (var result : results.values()) {
      var taskId = result.path("taskId").asString();
      soft.assertThat(statusOf(result)).as("result of %s", taskId).isEqualTo("SUCCEEDED");
      soft.assertThat(result.path("attempts").asInt())
          .as("attempts of %s: %s", taskId, executions.get(taskId))
          .isEqualTo(1);
    }
    soft.assertThat(tasks.values())
        .as("late callbacks on the tasks")
        .allSatisfy(task -> assertThat(task.lateCallbacks()).as(task.taskId()).isZero());
    var repeatedOnTasks = 0;
    for (var task : tasks.values()) {
      var decided =
          executions.getOrDefault(task.taskId(), List.of()).stream()
              .filter(run -> run.status().equals("SUCCEEDED") || run.status().equals("FAILED"))
              .count();
      repeatedOnTasks += task.repeatedCallbacks();
      soft.assertThat(task.repeatedCallbacks())
          .as("repeated callbacks of %s: one per attempt its callback decided", task.taskId())
          .isEqualTo(decided);
      soft.assertThat(apiTask(task.taskId()).path("repeatedCallbacks").asInt())
          .as("repeatedCallbacks of GET /v1/tasks/%s", task.taskId())
          .isEqualTo(task.repeatedCallbacks());
    }
    soft.assertThat((long) repeatedOnTasks)
        .as("repeats counted on the tasks: those answered 200")
        .isEqualTo(stats.repeatedCallbackAnswers().getOrDefault("200", 0L));
    soft.assertThat(stats.repeatedCallbacks()).as("repeats sent").isEqualTo(scenario.tasks);
    soft.assertThat(stats.repeatedCallbackAnswers())
        .as("answers to the repeats")
        .isEqualTo(Map.of("200", (long) scenario.tasks));
    soft.assertThat(stats.callbacksSucceeded())
        .as("first callbacks answered 2xx")
        .isEqualTo(scenario.tasks);

    scenario.whatHappened =
        String.format(
            "%d callbacks (answered %d×202, %d×409), each sent again once answered: repeats"
                + " answered %s; repeated callbacks on the tasks (column and API agree): %d, late"
                + " ones: %d; %s",
            stats.callbacksSucceeded() + stats.callbacksRejected(),
            stats.callbacksSucceeded(),
            stats.callbacksRejected(),
            answers(stats.repeatedCallbackAnswers()),
            repeatedOnTasks,
            tasks.values().stream().mapToInt(TaskRow::lateCallbacks).sum(),
            statuses(results));
    soft.assertAll();
  }

  @Test
  @Order(3)
  void busyAnswersAreResentWithoutUsingUpAttempts() throws Exception {
    var scenario = BUSY;
    var results = awaitResults(scenario);
    var stats = awaitSettled(scenario, any -> true);
    var tasks = tasksOf(scenario);
    var executions = executionsOf(scenario);
    var soft = new SoftAssertions();
    assertCommon(soft, scenario, results, tasks, executions, stats);

    var busyThenAcceptedInAttemptOne = 0;
    var notAccepted = 0;
    var acceptedTooLate = 0;
    for (var taskId : scenario.taskIds) {
      var runs = executions.getOrDefault(taskId, List.of());
      var unaccepted = runs.stream().filter(run -> run.status().equals("NOT_ACCEPTED")).count();
      // a resend accepted right at the deadline (a busy machine) cannot call back in time
      var timedOut = runs.stream().filter(run -> run.status().equals("TIMED_OUT")).count();
      notAccepted += unaccepted;
      acceptedTooLate += timedOut;
      var task = tasks.get(taskId);
      if (task == null) {
        continue;
      }
      var last = runs.isEmpty() ? "" : runs.get(runs.size() - 1).status();
      // a busy answer costs time within the attempt, never an attempt of its own
      soft.assertThat(task.attempts())
          .as(
              "attempts of %s: its attempts not accepted, or accepted too late, by their"
                  + " deadline (busy answers use none up), and the one that succeeded: %s",
              taskId, runs)
          .isEqualTo(unaccepted + timedOut + (last.equals("SUCCEEDED") ? 1 : 0));
      if (runs.size() < scenario.maxAttempts) {
        soft.assertThat(task.status()).as(taskId).isEqualTo("SUCCEEDED");
      }
      if (task.attempts() == 1 && runs.size() == 1 && runs.get(0).resent()) {
        busyThenAcceptedInAttemptOne++;
      }
    }
    soft.assertThat(busyThenAcceptedInAttemptOne)
        .as("tasks answered 429, sent again and accepted in their first attempt")
        .isPositive();
    soft.assertThat(stats.busy()).as("429 answers").isPositive();
    soft.assertThat(stats.received()).isEqualTo(stats.accepted() + stats.busy());
    soft.assertThat(stats.callbacksSucceeded() + stats.callbacksRejected())
        .as("callbacks: answered 202, or 409 for an attempt accepted too late")
        .isEqualTo(stats.accepted());
    soft.assertThat(stats.callbacksRejected()).isLessThanOrEqualTo(acceptedTooLate);

    scenario.whatHappened =
        String.format(
            "%d answers 429 in %d deliveries; %d tasks were answered 429, sent again and accepted"
                + " with attempts still 1; %d attempts not accepted by their deadline, %d"
                + " accepted too late to call back in time; %s",
            stats.busy(),
            stats.received(),
            busyThenAcceptedInAttemptOne,
            notAccepted,
            acceptedTooLate,
            statuses(results));
    soft.assertAll();
  }

  @Test
  @Order(4)
  void serverErrorsAreResentUntilAccepted() throws Exception {
    var scenario = SERVER_ERRORS;
    var results = awaitResults(scenario);
    var stats = awaitSettled(scenario, any -> true);
    var tasks = tasksOf(scenario);
    var executions = executionsOf(scenario);
    var soft = new SoftAssertions();
    assertCommon(soft, scenario, results, tasks, executions, stats);

    var resentThenAccepted = 0;
    var notAccepted = 0;
    var acceptedTooLate = 0;
    for (var taskId : scenario.taskIds) {
      var runs = executions.getOrDefault(taskId, List.of());
      var unaccepted = runs.stream().filter(run -> run.status().equals("NOT_ACCEPTED")).count();
      // a resend accepted right at the deadline (a busy machine) cannot call back in time
      var timedOut = runs.stream().filter(run -> run.status().equals("TIMED_OUT")).count();
      notAccepted += unaccepted;
      acceptedTooLate += timedOut;
      resentThenAccepted +=
          runs.stream().filter(run -> run.acceptedAt() != null && run.resent()).count();
      var task = tasks.get(taskId);
      if (task == null) {
        continue;
      }
      var last = runs.isEmpty() ? "" : runs.get(runs.size() - 1).status();
      soft.assertThat(task.attempts())
          .as(
              "attempts of %s: its attempts not accepted, or accepted too late, by their"
                  + " deadline, and the one that succeeded: %s",
              taskId, runs)
          .isEqualTo(unaccepted + timedOut + (last.equals("SUCCEEDED") ? 1 : 0));
      var expected =
          switch (last) {
            case "NOT_ACCEPTED" -> "FAILED/ALGORITHM_ERROR";
            case "TIMED_OUT" -> "TIMED_OUT/EXECUTION_TIMEOUT";
            default -> "SUCCEEDED";
          };
      soft.assertThat(statusOf(results.get(taskId))).as("result of %s", taskId).isEqualTo(expected);
    }
    soft.assertThat(resentThenAccepted)
        .as("attempts answered 500, sent again after a backoff and accepted")
        .isPositive();
    soft.assertThat(stats.serverErrors())
        .as("500 answers: at least one before each resend and each attempt never accepted")
        .isGreaterThanOrEqualTo(resentThenAccepted + notAccepted);
    soft.assertThat(stats.received()).isEqualTo(stats.accepted() + stats.serverErrors());
    soft.assertThat(stats.callbacksSucceeded() + stats.callbacksRejected())
        .as("callbacks: answered 202, or 409 for an attempt accepted too late")
        .isEqualTo(stats.accepted());
    soft.assertThat(stats.callbacksRejected()).isLessThanOrEqualTo(acceptedTooLate);

    scenario.whatHappened =
        String.format(
            "%d answers 500 in %d deliveries; %d attempts were sent again after a 500 and"
                + " accepted; %d attempts not accepted by their deadline (next attempt), %d"
                + " accepted too late to call back in time; %s",
            stats.serverErrors(),
            stats.received(),
            resentThenAccepted,
            notAccepted,
            acceptedTooLate,
            statuses(results));
    soft.assertAll();
  }

  @Test
  @Order(5)
  void conflictingCallbacksAreAnswered409AndChangeNothing() throws Exception {
    var scenario = CONFLICTING;
    var results = awaitResults(scenario);
    var stats =
        awaitSettled(scenario, now -> total(now.conflictingCallbackAnswers()) == now.accepted());
    var tasks = tasksOf(scenario);
    var executions = executionsOf(scenario);
    var soft = new SoftAssertions();
    assertCommon(soft, scenario, results, tasks, executions, stats);

    for (var taskId : scenario.taskIds) {
      var runs = executions.getOrDefault(taskId, List.of());
      var task = tasks.get(taskId);
      if (task == null || runs.isEmpty()) {
        continue;
      }
      var last = runs.get(runs.size() - 1);
      // each attempt is decided by its first callback; the contradiction that follows is late
      soft.assertThat(task.status())
          .as("%s ends as its last attempt's first callback said (%s)", taskId, last.status())
          .isEqualTo(last.status());
      soft.assertThat(task.lateCallbacks())
          .as("late callbacks of %s: one contradiction per attempt: %s", taskId, runs)
          .isEqualTo(runs.size());
      if (task.status().equals("FAILED")) {
        soft.assertThat(statusOf(results.get(taskId))).isEqualTo("FAILED/ALGORITHM_ERROR");
        soft.assertThat(task.attempts()).isEqualTo(scenario.maxAttempts);
      }
    }
    soft.assertThat(stats.conflictingCallbacks())
        .as("contradictions sent")
        .isEqualTo(stats.accepted());
    soft.assertThat(stats.conflictingCallbackAnswers())
        .as("answers to the contradictions")
        .isEqualTo(Map.of("409", stats.accepted()));
    soft.assertThat(stats.callbacksSucceeded() + stats.callbacksFailed())
        .as("first callbacks answered 2xx")
        .isEqualTo(stats.accepted());

    scenario.whatHappened =
        String.format(
            "%d attempts; their callbacks: %d SUCCEEDED and %d FAILED answered 202, %d answered"
                + " 409; each contradicted once answered: contradictions answered %s and counted"
                + " as late; %s",
            stats.accepted(),
            stats.callbacksSucceeded(),
            stats.callbacksFailed(),
            stats.callbacksRejected(),
            answers(stats.conflictingCallbackAnswers()),
            statuses(results));
    soft.assertAll();
  }

  @Test
  @Order(6)
  void lateCallbacksAreAnswered409AndCountedOnTheTask() throws Exception {
    var scenario = LATE;
    var results = awaitResults(scenario);
    // the last attempt's late callback may come after the result
    var stats = awaitSettled(scenario, any -> true);
    var tasks = tasksOf(scenario);
    var executions = executionsOf(scenario);
    var soft = new SoftAssertions();
    assertCommon(soft, scenario, results, tasks, executions, stats);

    var lateOnTasks = 0;
    for (var taskId : scenario.taskIds) {
      var runs = executions.getOrDefault(taskId, List.of());
      var task = tasks.get(taskId);
      if (task == null) {
        continue;
      }
      var timedOut = runs.stream().filter(run -> run.status().equals("TIMED_OUT")).count();
      lateOnTasks += task.lateCallbacks();
      soft.assertThat(task.lateCallbacks())
          .as("late callbacks of %s: one per attempt that timed out", taskId)
          .isEqualTo(timedOut);
      soft.assertThat(apiTask(taskId).path("lateCallbacks").asInt())
          .as("lateCallbacks of GET /v1/tasks/%s", taskId)
          .isEqualTo(task.lateCallbacks());
      var expected = timedOut == scenario.maxAttempts ? "TIMED_OUT/EXECUTION_TIMEOUT" : "SUCCEEDED";
      soft.assertThat(statusOf(results.get(taskId))).as("result of %s", taskId).isEqualTo(expected);
      soft.assertThat(task.attempts()).as("attempts of %s", taskId).isEqualTo(runs.size());
      if (expected.equals("SUCCEEDED")) {
        soft.assertThat(task.attempts()).isEqualTo(timedOut + 1);
      }
    }
    soft.assertThat(stats.lateCallbacks()).as("late callbacks sent").isPositive();
    soft.assertThat(stats.lateCallbackAnswers())
        .as("answers to the late callbacks")
        .isEqualTo(Map.of("409", stats.lateCallbacks()));
    soft.assertThat(lateOnTasks)
        .as("late callbacks counted on the tasks: those the sample sent late, and no other")
        .isEqualTo(stats.lateCallbacks());

    scenario.whatHappened =
        String.format(
            "%d of %d attempts called back 1 s after their deadline: answered %s, %d counted on"
                + " the tasks (column and API agree); %s",
            stats.lateCallbacks(),
            stats.accepted(),
            answers(stats.lateCallbackAnswers()),
            lateOnTasks,
            statuses(results));
    soft.assertAll();
  }

  @Test
  @Order(7)
  void silentAttemptsTimeOutAfterTheLastAttempt() throws Exception {
    var scenario = SILENT;
    var results = awaitResults(scenario);
    var stats = awaitSettled(scenario, any -> true);
    var tasks = tasksOf(scenario);
    var executions = executionsOf(scenario);
    var soft = new SoftAssertions();
    assertCommon(soft, scenario, results, tasks, executions, stats);

    for (var taskId : scenario.taskIds) {
      soft.assertThat(statusOf(results.get(taskId)))
          .as("result of %s", taskId)
          .isEqualTo("TIMED_OUT/EXECUTION_TIMEOUT");
      soft.assertThat(executions.getOrDefault(taskId, List.of()))
          .as("attempts of %s", taskId)
          .hasSize(scenario.maxAttempts)
          .allSatisfy(run -> assertThat(run.status()).isEqualTo("TIMED_OUT"));
      var task = tasks.get(taskId);
      if (task != null) {
        soft.assertThat(task.attempts()).isEqualTo(scenario.maxAttempts);
        soft.assertThat(task.lateCallbacks()).isZero();
      }
    }
    soft.assertThat(stats.noCallback())
        .as("attempts that never called back")
        .isEqualTo((long) scenario.tasks * scenario.maxAttempts);

    scenario.whatHappened =
        String.format(
            "%d attempts accepted, none called back; each task was invoked %d times, %d s apart;"
                + " %s",
            stats.accepted(),
            scenario.maxAttempts,
            scenario.executionTimeout.toSeconds(),
            statuses(results));
    soft.assertAll();
  }

  // ---- what every scenario checks

  private static void assertCommon(
      SoftAssertions soft,
      Scenario scenario,
      Map<String, JsonNode> results,
      Map<String, TaskRow> tasks,
      Map<String, List<ExecutionRow>> executions,
      AlgorithmStats stats) {
    scenario.peakRunning = stats.peakRunning();
    // contract section 3: the deadline is executionTimeoutSeconds after the first send
    var allowed = scenario.executionTimeout.minus(DEADLINE_SLACK);
    for (var taskId : scenario.taskIds) {
      for (var run : executions.getOrDefault(taskId, List.of())) {
        var sendToDeadline = Duration.between(run.invokedAt(), run.deadline());
        scenario.attemptsRecorded++;
        if (sendToDeadline.compareTo(allowed) < 0) {
          scenario.sentShortOfTheTimeout++;
        }
        if (sendToDeadline.isNegative()) {
          scenario.sentAfterTheDeadline++;
        }
        if (scenario.shortestSendToDeadline == null
            || sendToDeadline.compareTo(scenario.shortestSendToDeadline) < 0) {
          scenario.shortestSendToDeadline = sendToDeadline;
        }
        soft.assertThat(sendToDeadline)
            .as(
                "%s attempt %d: first send %s to its deadline %s (execution timeout %s)",
                taskId, run.attempt(), run.invokedAt(), run.deadline(), scenario.executionTimeout)
            .isGreaterThanOrEqualTo(allowed);
      }
    }
    var missing = scenario.taskIds.stream().filter(id -> !results.containsKey(id)).toList();
    soft.assertThat(missing).as("tasks without a result").isEmpty();
    var notOnce = new TreeMap<String, Integer>();
    LEDGER
        .copiesOf(scenario.taskIds)
        .forEach(
            (taskId, copies) -> {
              if (copies != 1) {
                notOnce.put(taskId, copies);
              }
            });
    soft.assertThat(notOnce).as("tasks whose result did not arrive exactly once").isEmpty();
    for (var result : results.values()) {
      var taskId = result.path("taskId").asString();
      var task = tasks.get(taskId);
      soft.assertThat(task).as("record of %s", taskId).isNotNull();
      if (task != null) {
        soft.assertThat(result.path("status").asString()).as(taskId).isEqualTo(task.status());
        soft.assertThat(result.path("attempts").asInt()).as(taskId).isEqualTo(task.attempts());
      }
      soft.assertThat(result.path("metadata").path("scenario").asString()).isEqualTo(scenario.kind);
      if (task != null && scenario != DUPLICATE) {
        soft.assertThat(task.repeatedCallbacks()).as("repeated callbacks of %s", taskId).isZero();
      }
    }
    soft.assertThat(stats.peakRunning())
        .as("attempts %s saw running at once", scenario.algorithm)
        .isLessThanOrEqualTo(LIMIT);
    soft.assertThat(stats.running()).as("attempts still running at the algorithm").isZero();
  }

  // ---- results

  private static Map<String, JsonNode> awaitResults(Scenario scenario) {
    var missing = new HashSet<>(scenario.taskIds);
    missing.removeAll(FIRST.keySet());
    traffic.awaitResults(missing, RESULTS_TIMEOUT, MisbehavingAlgorithmIT::count);
    scenario.allIn = Instant.now();
    // a repeat would arrive right behind the first copy
    traffic.listen(EXTRA_LISTEN, MisbehavingAlgorithmIT::count);
    var results = new LinkedHashMap<String, JsonNode>();
    for (var taskId : scenario.taskIds) {
      var result = FIRST.get(taskId);
      if (result != null) {
        results.put(taskId, result);
      }
    }
    return results;
  }

  private static void count(JsonNode result) {
    var taskId = result.path("taskId").asString();
    FIRST.putIfAbsent(taskId, result);
    LEDGER.count(result);
  }

  private static String statusOf(JsonNode result) {
    if (result == null) {
      return "no result";
    }
    var status = result.path("status").asString();
    return status.equals("SUCCEEDED")
        ? status
        : status + "/" + result.path("error").path("code").asString();
  }

  /** E.g. {@code SUCCEEDED 11, FAILED/ALGORITHM_ERROR 1}. */
  private static String statuses(Map<String, JsonNode> results) {
    var counts = new TreeMap<String, Integer>();
    results.values().forEach(result -> counts.merge(statusOf(result), 1, Integer::sum));
    return counts.entrySet().stream()
        .map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", "));
  }

  // ---- the sample service

  /**
   * Waits until every attempt the sample accepted is over and counted in exactly one end, and the
   * condition holds; late callbacks and the callbacks after an answer may follow the result.
   */
  private static AlgorithmStats awaitSettled(Scenario scenario, Predicate<AlgorithmStats> more) {
    try {
      return await()
          .atMost(SETTLE_TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> scenario.sample.stats(scenario.algorithm),
              stats -> stats.running() == 0 && ends(stats) == stats.accepted() && more.test(stats));
    } catch (ConditionTimeoutException unsettled) {
      // the assertions on these counters say what is missing
      return scenario.sample.stats(scenario.algorithm);
    }
  }

  private static long ends(AlgorithmStats stats) {
    return stats.callbacksSucceeded()
        + stats.callbacksFailed()
        + stats.callbacksRejected()
        + stats.callbacksUndelivered()
        + stats.noCallback()
        + stats.cancelled();
  }

  private static long total(Map<String, Long> answers) {
    return answers.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String answers(Map<String, Long> answers) {
    return answers.isEmpty()
        ? "-"
        : answers.entrySet().stream()
            .map(entry -> entry.getValue() + "×" + entry.getKey())
            .collect(Collectors.joining(", "));
  }

  // ---- the records and the API

  private record TaskRow(
      String taskId,
      String status,
      int attempts,
      String errorCode,
      int lateCallbacks,
      int repeatedCallbacks) {}

  private record ExecutionRow(
      int attempt,
      String status,
      Instant invokedAt,
      Instant acceptedAt,
      Instant deadline,
      Instant finishedAt) {
    /** Accepted a second or more after the first send: it was sent again. */
    boolean resent() {
      return acceptedAt != null && Duration.between(invokedAt, acceptedAt).compareTo(RESENT) >= 0;
    }
  }

  private static Connection db() throws SQLException {
    return TestRecords.connect();
  }

  private static Map<String, TaskRow> tasksOf(Scenario scenario) throws SQLException {
    var tasks = new HashMap<String, TaskRow>();
    try (var db = db();
        var query =
            db.prepareStatement(
                """
                select task_id, status, attempts, error_code, late_callbacks, repeated_callbacks
                from task where task_id = any (?)
                """)) {
      query.setArray(1, db.createArrayOf("varchar", scenario.taskIds.toArray()));
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          tasks.put(
              rows.getString(1),
              new TaskRow(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getInt(3),
                  rows.getString(4),
                  rows.getInt(5),
                  rows.getInt(6)));
        }
      }
    }
    return tasks;
  }

  /** Each task's attempts as recorded, in order. */
  private static Map<String, List<ExecutionRow>> executionsOf(Scenario scenario)
      throws SQLException {
    var executions = new HashMap<String, List<ExecutionRow>>();
    try (var db = db();
        var query =
            db.prepareStatement(
                """
                select task_id, attempt, status, invoked_at, accepted_at, deadline, finished_at
                from task_execution where task_id = any (?) order by task_id, attempt
                """)) {
      query.setArray(1, db.createArrayOf("varchar", scenario.taskIds.toArray()));
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          executions
              .computeIfAbsent(rows.getString(1), id -> new ArrayList<>())
              .add(
                  new ExecutionRow(
                      rows.getInt(2),
                      rows.getString(3),
                      instant(rows.getTimestamp(4)),
                      instant(rows.getTimestamp(5)),
                      instant(rows.getTimestamp(6)),
                      instant(rows.getTimestamp(7))));
        }
      }
    }
    return executions;
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  /** {@code GET /v1/tasks/{taskId}} as a business service reads it. */
  private static JsonNode apiTask(String taskId) throws Exception {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + apiPort + "/v1/tasks/" + taskId))
                .header("Authorization", "Bearer " + CLIENT_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET /v1/tasks/%s", taskId).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  // ---- the report

  private static void writeReport(Map<String, List<String>> repeated) throws Exception {
    var report = new ArrayList<String>();
    report.add("# Misbehaving algorithm services (run " + RUN + ")");
    report.add("");
    report.add(
        String.format(
            "Each misbehaviour is a sample algorithm service of its own, registered as an algorithm"
                + " with maxConcurrency %d; all %d tasks were submitted at once. Apps up %.1f s"
                + " after the class started; whole class %.1f s.",
            LIMIT,
            SCENARIOS.stream().mapToInt(scenario -> scenario.tasks).sum(),
            appsUp == null ? -1 : seconds(classStarted, appsUp),
            seconds(classStarted, Instant.now())));
    report.add("");
    report.add(
        "| misbehaviour | what happened | tasks submitted | tasks ended | duplicates |"
            + " limit exceeded |");
    report.add("|---|---|---|---|---|---|");
    for (var scenario : SCENARIOS) {
      var ended = LEDGER.copiesOf(scenario.taskIds).values().stream().filter(n -> n > 0).count();
      var duplicates = LEDGER.duplicatesAmong(scenario.taskIds);
      var peak =
          scenario.peakRunning != null
              ? scenario.peakRunning
              : scenario.sample == null
                  ? null
                  : scenario.sample.stats(scenario.algorithm).peakRunning();
      report.add(
          String.format(
              "| %s (maxAttempts %d, execution timeout %d s) | %s%s | %d | %d | %d | %s |",
              scenario.misbehaviour,
              scenario.maxAttempts,
              scenario.executionTimeout.toSeconds(),
              scenario.whatHappened == null
                  ? "the test failed before its figures were taken: see its failsafe report"
                  : scenario.whatHappened,
              (scenario.allIn == null
                      ? ""
                      : String.format(
                          "; last result %.1f s after the submit",
                          seconds(scenario.submitted, scenario.allIn)))
                  + (scenario.shortestSendToDeadline == null
                      ? ""
                      : String.format(
                          "; first send to deadline: shortest %.1f s, %d of %d attempts sent with"
                              + " less than %d s left, %d of them after their deadline",
                          scenario.shortestSendToDeadline.toMillis() / 1000.0,
                          scenario.sentShortOfTheTimeout,
                          scenario.attemptsRecorded,
                          scenario.executionTimeout.minus(DEADLINE_SLACK).toSeconds(),
                          scenario.sentAfterTheDeadline)),
              scenario.taskIds.size(),
              ended,
              duplicates,
              peak == null ? "?" : (peak > LIMIT ? "yes" : "no") + " (peak " + peak + ")"));
    }
    report.add("");
    report.add("Results repeated at any time: " + (repeated.isEmpty() ? "none" : repeated) + ".");
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "misbehaving-algorithm-report.md"), report);
    report.forEach(System.out::println);
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
