package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The whole path over the real local stack: both apps from their jars ({@link SharedApps}), the
 * sample algorithm service, tasks in and results out over Kafka. Topics, task queue and consumer
 * group are the tests' own, so a running demo does not interfere. Figures go to
 * target/e2e-report.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
  private static final String RUN = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
  // registered by this run
  private static final String ALGORITHM = RUN + "-ocr";
  private static final int LIMIT = 3;
  private static final List<String> REPORT = Collections.synchronizedList(new ArrayList<>());

  private static SampleAlgorithmServer sample;
  private static SharedApps apps;
  private static TaskTraffic traffic;
  private static String document;

  @BeforeAll
  static void startEverything() throws Exception {
    sample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.builder().port(0).latencyMs(20, 200).seed(7L).build());
    apps = SharedApps.get();
    apps.register(
        ALGORITHM,
        Map.of(
            "endpoint",
            sample.invocationUrl(ALGORITHM).toString(),
            "maxConcurrency",
            LIMIT,
            "executionTimeoutSeconds",
            60));
    traffic = apps.traffic();
    document = SampleDocuments.upload(new StorageSettings(), "demo/").get(0);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
    if (sample != null) {
      sample.close();
    }
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "e2e-report.md"), REPORT);
    REPORT.forEach(System.out::println);
  }

  private static Map<String, Object> request(String taskId) {
    var request = new LinkedHashMap<String, Object>();
    request.put("taskId", taskId);
    request.put("algorithm", ALGORITHM);
    request.put("tenant", "e2e");
    request.put("input", Map.of("uri", document));
    request.put("params", Map.of("language", "en"));
    request.put("metadata", Map.of("run", RUN));
    return request;
  }

  @Test
  @Order(1)
  void lowLoadLatencyFromTheRecords() throws Exception {
    var taskIds = new ArrayList<String>();
    for (int i = 0; i < 20; i++) {
      var taskId = RUN + "-single-" + i;
      taskIds.add(taskId);
      traffic.submit(request(taskId));
      var results = traffic.awaitResults(java.util.Set.of(taskId), Duration.ofSeconds(60), r -> {});
      assertThat(results).containsKey(taskId);
      assertThat(results.get(taskId).path("status").asString()).isEqualTo("SUCCEEDED");
    }
    REPORT.add("## Low load: 20 tasks one after another, sample latency 20-200 ms");
    reportLatencies(taskIds);
  }

  @Test
  @Order(2)
  void fiftyTasksGetOneResultEachAndTheLimitHolds() throws Exception {
    sample.resetStats();
    var taskIds = new LinkedHashSet<String>();
    var requests = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < 50; i++) {
      var taskId = RUN + "-burst-" + i;
      taskIds.add(taskId);
      requests.add(request(taskId));
    }
    var seen = new HashMap<String, Integer>();
    var submitted = Instant.now();
    traffic.submitAll(requests);
    var results =
        traffic.awaitResults(
            taskIds,
            Duration.ofMinutes(3),
            r -> seen.merge(r.path("taskId").asString(), 1, Integer::sum));
    var allIn = Instant.now();
    // anything repeated would arrive right behind the first copy
    traffic.listen(
        Duration.ofSeconds(3), r -> seen.merge(r.path("taskId").asString(), 1, Integer::sum));

    assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(taskIds);
    assertThat(seen).allSatisfy((taskId, copies) -> assertThat(copies).as(taskId).isEqualTo(1));
    var http = HttpClient.newHttpClient();
    for (var result : results.values()) {
      assertThat(result.path("status").asString()).isEqualTo("SUCCEEDED");
      assertThat(result.path("attempts").asInt()).isEqualTo(1);
      assertThat(result.path("metadata").path("run").asString()).isEqualTo(RUN);
      assertThat(readOutput(http, result))
          .as("output of %s", result.path("taskId").asString())
          .contains(result.path("taskId").asString());
    }
    assertThat(historyOf(taskIds.iterator().next()))
        .as("a task's history, as every operator sees it in the Web UI")
        .contains("callbackReceived", "AlgorithmInvoke")
        .doesNotContain("X-Amz-Signature", "X-Amz-Credential", "uploadUrl", "v1.dev-1.");

    var stats = sample.stats(ALGORITHM);
    assertThat(stats.peakRunning())
        .as("tasks the algorithm saw at once")
        .isLessThanOrEqualTo(LIMIT);
    assertThat(stats.accepted()).isEqualTo(50);

    var seconds = Duration.between(submitted, allIn).toMillis() / 1000.0;
    REPORT.add(
        "## Burst: 50 tasks at once, maxConcurrency " + LIMIT + ", sample latency 20-200 ms");
    REPORT.add(
        String.format(
            "- all 50 results in %.1f s: %.1f tasks/s; peak concurrency seen by the algorithm: %d",
            seconds, 50 / seconds, stats.peakRunning()));
    reportLatencies(new ArrayList<>(taskIds));
  }

  private static String historyOf(String taskId) {
    var service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:7233").build());
    try {
      var client =
          WorkflowClient.newInstance(
              service,
              WorkflowClientOptions.newBuilder().setNamespace(TestApps.TEMPORAL_NAMESPACE).build());
      var json = client.fetchHistory("task-" + taskId).toJson(false);
      return decodedPayloads(json);
    } finally {
      service.shutdownNow();
    }
  }

  /**
   * The history with every payload's data decoded, as the Web UI shows it: the local activities'
   * names, inputs and results are payloads, and so would be anything that leaked into them.
   */
  private static String decodedPayloads(String historyJson) {
    return PAYLOAD_DATA
        .matcher(historyJson)
        .replaceAll(
            data ->
                Matcher.quoteReplacement(
                    "\"data\":"
                        + new String(
                            Base64.getDecoder().decode(data.group(1)), StandardCharsets.UTF_8)));
  }

  private static final Pattern PAYLOAD_DATA = Pattern.compile("\"data\":\\s*\"([A-Za-z0-9+/=]*)\"");

  private static String readOutput(HttpClient http, JsonNode result) throws Exception {
    var url = result.path("output").path("url").asString();
    var response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
    return response.body();
  }

  /** Latencies from the records: the timestamps the apps wrote, not the client's view. */
  private static void reportLatencies(List<String> taskIds) throws Exception {
    var submitToInvoke = new ArrayList<Double>();
    var callbackToResult = new ArrayList<Double>();
    try (var db =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/algotask_test", "algotask", "algotask");
        var query =
            db.prepareStatement(
                """
                select extract(epoch from e.invoked_at - t.submitted_at) * 1000,
                       extract(epoch from t.result_published_at - e.finished_at) * 1000
                from task t join task_execution e on e.task_id = t.task_id and e.attempt = 1
                where t.task_id = any (?)
                """)) {
      query.setArray(1, db.createArrayOf("varchar", taskIds.toArray()));
      try (var rows = query.executeQuery()) {
        while (rows.next()) {
          submitToInvoke.add(rows.getDouble(1));
          callbackToResult.add(rows.getDouble(2));
        }
      }
    }
    assertThat(submitToInvoke).hasSize(taskIds.size());
    REPORT.add("- submit to invoke: " + Percentiles.of(submitToInvoke));
    REPORT.add("- callback to result: " + Percentiles.of(callbackToResult));
  }
}
