package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.demo.process.JavaProcess;
import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an operator reads, from both apps run from their jars over the real stack: the Prometheus
 * endpoints after a few tasks (one that succeeds and is called back twice, one whose callbacks come
 * late until it times out, one rejected, one record that is not a task), the Temporal SDK's metrics
 * beside Algotask's own, every metric the Grafana dashboard and the alert rules use, and the JSON
 * log lines of one task.
 */
class ObservabilityIT {
  private static final String RUN = "obs-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String STEADY = RUN + "-ocr";
  private static final String LATE = RUN + "-slow";
  private static final String TENANT = "obs";
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static SampleAlgorithmServer steady;
  private static SampleAlgorithmServer late;
  private static JavaProcess worker;
  private static JavaProcess api;
  private static TaskTraffic traffic;
  private static String succeeded;
  private static String timedOut;

  @BeforeAll
  static void runTasks() throws Exception {
    steady =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.builder()
                .port(0)
                .latencyMs(20, 100)
                .duplicateCallbackRate(1.0)
                .seed(7L)
                .build());
    late =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.builder()
                .port(0)
                .latencyMs(20, 100)
                .lateCallbackRate(1.0)
                .seed(7L)
                .build());
    var apiPort = JavaProcess.freePort();
    var common = TestApps.runArguments(RUN, apiPort);
    common.addAll(
        List.of(
            "--logging.structured.format.console=logstash",
            "--logging.level.io.algotask=DEBUG",
            "--algotask.algorithms." + STEADY + ".endpoint=" + steady.invocationUrl(STEADY),
            "--algotask.algorithms." + STEADY + ".max-concurrency=2",
            "--algotask.algorithms." + LATE + ".endpoint=" + late.invocationUrl(LATE),
            "--algotask.algorithms." + LATE + ".max-concurrency=2"));
    var apps = TestApps.startBoth("obs", RUN, apiPort, JavaProcess.freePort(), common, List.of());
    worker = apps.worker();
    api = apps.api();
    traffic =
        new TaskTraffic("127.0.0.1:9092", TestApps.requestsTopic(RUN), TestApps.resultsTopic(RUN));

    succeeded = RUN + "-succeeds";
    timedOut = RUN + "-times-out";
    var rejected = RUN + "-rejected";
    traffic.submitAll(
        List.of(
            request(succeeded, STEADY),
            request(timedOut, LATE),
            request(rejected, RUN + "-no-such-algorithm")));
    sendNotATask();
    var results =
        traffic.awaitResults(
            Set.of(succeeded, timedOut, rejected), Duration.ofSeconds(90), r -> {});
    assertThat(results.get(succeeded).path("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(results.get(timedOut).path("status").asString()).isEqualTo("TIMED_OUT");
    assertThat(results.get(rejected).path("status").asString()).isEqualTo("REJECTED");
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
    for (var app : new JavaProcess[] {api, worker}) {
      if (app != null) {
        app.close();
      }
    }
    for (var sample : new SampleAlgorithmServer[] {steady, late}) {
      if (sample != null) {
        sample.close();
      }
    }
  }

  private static Map<String, Object> request(String taskId, String algorithm) {
    var request = new LinkedHashMap<String, Object>();
    request.put("taskId", taskId);
    request.put("algorithm", algorithm);
    request.put("tenant", TENANT);
    request.put("executionTimeoutSeconds", 2);
    request.put("maxAttempts", 2);
    return request;
  }

  private static void sendNotATask() throws Exception {
    var properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    try (var producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(TestApps.requestsTopic(RUN), "not json")).get();
    }
  }

  @Test
  void theTasksMetricsAreOnThePrometheusEndpointsByAlgorithmAndTenant() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var both = scrape(api) + scrape(worker);
              assertThat(sum(both, "algotask_tasks_submitted_total", STEADY)).isEqualTo(1);
              assertThat(sum(both, "algotask_tasks_queue_wait_seconds_count", STEADY)).isEqualTo(1);
              assertThat(sum(both, "algotask_tasks_algorithm_time_seconds_count", STEADY))
                  .isEqualTo(1);
              assertThat(sum(both, "algotask_tasks_callback_to_result_seconds_count", STEADY))
                  .isEqualTo(1);
              assertThat(sum(both, "algotask_callbacks_total", STEADY, "verdict=\"repeated\""))
                  .isGreaterThanOrEqualTo(1);
              assertThat(sum(both, "algotask_callbacks_total", LATE, "verdict=\"late\""))
                  .isGreaterThanOrEqualTo(1);
              assertThat(sum(both, "algotask_tasks_retries_total", LATE)).isEqualTo(1);
              assertThat(
                      sum(
                          both,
                          "algotask_tasks_ended_total",
                          LATE,
                          "status=\"TIMED_OUT\"",
                          "code=\"EXECUTION_TIMEOUT\""))
                  .isEqualTo(1);
              assertThat(
                      sum(
                          both,
                          "algotask_tasks_rejected_total",
                          null,
                          "algorithm=\"unknown\"",
                          "code=\"UNKNOWN_ALGORITHM\""))
                  .isGreaterThanOrEqualTo(1);
              assertThat(sum(scrape(api), "algotask_intake_dead_letters_total", null)).isEqualTo(1);
              assertThat(sum(both, "algotask_slots_limit", STEADY)).isPositive();
            });
  }

  @Test
  void theTemporalSdksMetricsAreOnTheSameEndpointAsAlgotasksOwn() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              var names = names(scrape(worker));
              assertThat(names)
                  .contains(
                      "temporal_workflow_task_schedule_to_start_latency_seconds_bucket",
                      "temporal_request_total",
                      "algotask_slots_in_use");
              assertThat(names(scrape(api))).contains("temporal_request_total");
            });
  }

  @Test
  void everyMetricOfTheDashboardAndTheAlertsIsExported() throws Exception {
    var used = new TreeSet<String>();
    used.addAll(dashboardMetrics(ROOT.resolve("deploy/grafana/algotask-dashboard.json")));
    used.addAll(alertMetrics(ROOT.resolve("deploy/prometheus/algotask-alerts.yaml")));
    assertThat(used)
        .as("the files name metrics")
        .contains("algotask_slots_in_use", "algotask_intake_dead_letters_total");

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              var exported = names(scrape(api) + scrape(worker));
              assertThat(exported).containsAll(used);
            });
  }

  @Test
  void aTasksJsonLogLinesCarryItsKeys() throws Exception {
    for (var app : new JavaProcess[] {api, worker}) {
      var lines = new ArrayList<JsonNode>();
      for (var line : Files.readAllLines(app.log())) {
        // a line about the task: logged in its context, or naming it
        if (line.startsWith("{") && line.contains(succeeded)) {
          lines.add(JSON.readTree(line));
        }
      }
      assertThat(lines)
          .as(app.name() + ": lines that name the task in their words")
          .anySatisfy(line -> assertThat(line.path("message").asString()).contains(succeeded));
      for (var line : lines) {
        assertThat(line.path("taskId").asString()).as(line.toString()).isEqualTo(succeeded);
        assertThat(line.path("workflowId").asString())
            .as(line.toString())
            .isEqualTo("task-" + succeeded);
        assertThat(line.path("algorithm").asString()).as(line.toString()).isEqualTo(STEADY);
      }
      assertThat(lines)
          .as(app.name() + ": the lines about an attempt name it")
          .anySatisfy(line -> assertThat(line.path("attempt").asString()).isEqualTo("1"));
    }
  }

  private static String scrape(JavaProcess app) throws IOException, InterruptedException {
    return app.get("/actuator/prometheus");
  }

  /** The sample names an exposition has. */
  private static Set<String> names(String exposition) {
    var names = new TreeSet<String>();
    for (var line : exposition.lines().toList()) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  /** The sum of the samples of the name with the algorithm (unless null) and the other labels. */
  private static double sum(String exposition, String name, String algorithm, String... labels) {
    var total = 0.0;
    for (var line : exposition.lines().toList()) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      var matches = algorithm == null || line.contains("algorithm=\"" + algorithm + "\"");
      for (var label : labels) {
        matches &= line.contains(label);
      }
      if (matches) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private static Set<String> dashboardMetrics(Path file) throws IOException {
    var names = new TreeSet<String>();
    collectQueries(JSON.readTree(file.toFile()), names);
    return names;
  }

  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([\\w:]+)\\s*,");

  private static void collectQueries(JsonNode node, Set<String> names) {
    if (node.isObject()) {
      var expr = node.path("expr");
      if (expr.isString()) {
        names.addAll(PromQl.metricNames(expr.asString()));
      }
      var definition = node.path("definition");
      if (definition.isString()) {
        var variable = LABEL_VALUES.matcher(definition.asString());
        if (variable.find()) {
          names.add(variable.group(1));
        }
      }
    }
    node.values().forEach(child -> collectQueries(child, names));
  }

  @SuppressWarnings("unchecked")
  private static Set<String> alertMetrics(Path file) throws IOException {
    Map<String, Object> rules = new Yaml().load(Files.readString(file));
    var names = new TreeSet<String>();
    for (var group : (List<Map<String, Object>>) rules.get("groups")) {
      for (var rule : (List<Map<String, Object>>) group.get("rules")) {
        names.addAll(PromQl.metricNames((String) rule.get("expr")));
      }
    }
    return names;
  }
}
