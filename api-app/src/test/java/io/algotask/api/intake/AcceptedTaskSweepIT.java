package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.api.ApiApplication;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task recorded by a door whose workflow start then failed, and whose caller never retries: the
 * sweep of api-app resumes it and it runs to its end. This app runs the task workflows and their
 * activities too (as worker-app does), on a task queue of its own, against a stand-in algorithm
 * that accepts and calls back.
 */
@SpringBootTest(
    classes = {ApiApplication.class, AcceptedTaskSweepIT.WorkerSide.class},
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.grpc.server.port=0",
      "algotask.reconciler.enabled=false",
      "algotask.intake.resume.older-than=30s",
      "algotask.intake.resume.interval=200ms",
      "spring.temporal.workers[0].task-queue=${algotask.temporal.task-queue}",
      "spring.temporal.workers[0].workflow-classes[0]="
          + "io.algotask.workflows.task.AlgorithmTaskWorkflowImpl",
      "spring.temporal.workers[0].activity-beans[0]=slotActivities",
      "spring.temporal.workers[0].activity-beans[1]=algorithmActivities",
      "spring.temporal.workers[0].activity-beans[2]=attemptActivities",
      "spring.temporal.workers[0].activity-beans[3]=taskEndActivities",
    })
@ActiveProfiles("it")
class AcceptedTaskSweepIT {
  static final String RUN = "sweep-it-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String ALGORITHM = RUN + "-echo";

  /** The activities of worker-app, beside the doors. */
  @Configuration(proxyBeanMethods = false)
  @ComponentScan("io.algotask.activities")
  static class WorkerSide {}

  private static HttpServer algorithm;
  private static volatile int apiPort;
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final JsonMapper json = JsonMapper.builder().build();

  /**
   * Accepts every invocation and reports success on its callback, as an algorithm service would.
   */
  @DynamicPropertySource
  static void standInAlgorithm(DynamicPropertyRegistry registry) throws IOException {
    algorithm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    algorithm.createContext(
        "/run",
        exchange -> {
          var invocation = json.readTree(exchange.getRequestBody().readAllBytes());
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
          var callback = URI.create(invocation.path("callback").path("url").asString());
          var report =
              "{\"attempt\":" + invocation.path("attempt").asInt() + ",\"status\":\"SUCCEEDED\"}";
          CompletableFuture.runAsync(
              () -> {
                try {
                  http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + apiPort + callback.getPath()))
                          .header("Content-Type", "application/json")
                          .header(
                              "Authorization",
                              "Bearer " + invocation.path("callback").path("token").asString())
                          .POST(HttpRequest.BodyPublishers.ofString(report))
                          .build(),
                      HttpResponse.BodyHandlers.discarding());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
        });
    algorithm.start();
    registry.add("algotask.temporal.task-queue", () -> RUN);
    registry.add("algotask.topics.requests", () -> RUN + ".requests");
    registry.add("algotask.topics.results", () -> RUN + ".results");
    registry.add("algotask.topics.dead-letter", () -> RUN + ".dlq");
    registry.add("spring.kafka.consumer.group-id", () -> RUN);
    var endpoint = "http://127.0.0.1:" + algorithm.getAddress().getPort() + "/run";
    registry.add("algotask.algorithms." + ALGORITHM + ".endpoint", () -> endpoint);
    registry.add("algotask.algorithms." + ALGORITHM + ".max-concurrency", () -> "1");
  }

  @AfterAll
  static void stopTheAlgorithm() {
    algorithm.stop(0);
  }

  @LocalServerPort int port;
  @Autowired TaskRecords tasks;
  @Autowired TaskTransitions transitions;
  @Autowired WorkflowClient temporal;

  @BeforeEach
  void callbacksComeHere() {
    apiPort = port;
  }

  @Test
  void aTaskRecordedWithoutAWorkflowIsResumedAndRunsToItsEnd() throws Exception {
    var taskId = RUN + "-orphan";
    var submittedAt = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MICROS);
    var request =
        """
        {"taskId": "%s", "algorithm": "%s", "tenant": "acme", "priority": 3,
         "replyTopic": "%s.results", "queueTimeoutSeconds": 600,
         "executionTimeoutSeconds": 60, "maxAttempts": 1, "metadata": {}}
        """
            .formatted(taskId, ALGORITHM, RUN);
    // what a door leaves when its workflow start fails after the record was written
    transitions.insertIfAbsent(
        new TaskTransitions.NewTask(
            taskId,
            ALGORITHM,
            "acme",
            3,
            TaskStatus.ACCEPTED,
            RUN + ".results",
            request,
            null,
            null,
            submittedAt,
            null));
    var recent = RUN + "-recent";
    transitions.insertIfAbsent(
        new TaskTransitions.NewTask(
            recent,
            ALGORITHM,
            "acme",
            3,
            TaskStatus.ACCEPTED,
            RUN + ".results",
            request.replace(taskId, recent),
            null,
            null,
            Instant.now().truncatedTo(ChronoUnit.MICROS),
            null));

    // the end: the task's status, then its result on the reply topic
    await("the orphan ends")
        .atMost(Duration.ofSeconds(30))
        .until(() -> tasks.findById(taskId).orElseThrow().resultPublishedAt() != null);

    var ended = tasks.findById(taskId).orElseThrow();
    assertThat(ended.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(ended.attempts()).isEqualTo(1);
    assertThat(ended.resultPublishedAt()).as("its one result is published").isNotNull();
    assertThat(tasks.findById(recent).orElseThrow().status())
        .as("a task accepted a moment ago is not the sweep's: its door may start it yet")
        .isEqualTo(TaskStatus.ACCEPTED);
    var notStarted =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> temporal.newUntypedWorkflowStub(TaskWorkflowIds.forTask(recent)).describe());
    assertThat(notStarted).isInstanceOf(WorkflowNotFoundException.class);
  }
}
