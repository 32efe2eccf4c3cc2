package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults on the cluster shape ({@code ./algotask test --cluster}): the launcher's two worker-apps
 * and two api-apps behind nginx, over a Temporal server on PostgreSQL, a Redis Cluster and three
 * Kafka brokers. One fault at a time, mid-run, with tasks waiting and running: a worker-app killed
 * with SIGKILL, an api-app killed with SIGKILL (callbacks reach the other through the proxy), a
 * Kafka broker stopped, the Redis master of the algorithm's slots stopped (its replica takes over),
 * the Temporal server restarted. The algorithms are adaptive, and two tenants share each by weight.
 * Each asserts that every task ends SUCCEEDED with exactly one result and that the algorithm never
 * saw more attempts running than its limit. Figures go to target/cluster-faults-report.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultsIT {
  private static final String RUN = "cfaults-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String KAFKA =
      env("ALGOTASK_CLUSTER_KAFKA_BOOTSTRAP", "127.0.0.1:9191,127.0.0.1:9192,127.0.0.1:9193");
  private static final String PROXY =
      "http://127.0.0.1:" + env("ALGOTASK_CLUSTER_API_PORT", "8470");
  private static final int FIRST_REDIS_PORT =
      Integer.parseInt(env("ALGOTASK_CLUSTER_REDIS_PORT", "7101"));
  private static final String OPERATOR_TOKEN = "algotask-dev-operator-token";
  private static final String REQUESTS = "algotask.task.requests";
  private static final String RESULTS = "algotask.task.results";

  private static final int LIMIT = 2;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static SampleAlgorithmServer sample;
  private static FaultDrill drill;

  @BeforeAll
  static void startEverything() throws Exception {
    sample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder().latencyMs(200, 400).seed(15L).build());
    for (var fault : List.of("worker", "api", "kafka", "redis", "temporal")) {
      register(algorithm(fault));
    }
    drill =
        new FaultDrill(
            RUN,
            sample,
            new TaskTraffic(KAFKA, REQUESTS, RESULTS),
            LIMIT,
            16,
            6,
            "Cluster-shape faults",
            "Two worker-apps and two api-apps behind nginx; Temporal server on PostgreSQL; Redis"
                + " Cluster of three masters with a replica each; three Kafka brokers (replication"
                + " factor 3, min.insync.replicas 2). Adaptive limit 1 to "
                + LIMIT
                + " (window 2 s), two tenants weighted 3:1, latency 200-400 ms, attempts of 8 s,"
                + " at most 10.");
  }

  private static String env(String name, String fallback) {
    var value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static String algorithm(String fault) {
    return RUN + "-" + fault;
  }

  /** The test's algorithm, registered through the proxy with the operator's token. */
  private static void register(String algorithm) throws Exception {
    var body =
        String.format(
            "{\"endpoint\":\"%s\",\"maxConcurrency\":%d,\"executionTimeoutSeconds\":8,"
                + "\"queueTimeoutSeconds\":1800,\"maxAttempts\":10,\"adaptive\":true,"
                + "\"adaptiveWindowSeconds\":2,\"tenantWeights\":{\"%s\":3}}",
            sample.invocationUrl(algorithm), LIMIT, FaultDrill.HEAVY_TENANT);
    var response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(PROXY + "/v1/algorithms/" + algorithm))
                .header("Authorization", "Bearer " + OPERATOR_TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("PUT %s: %s", algorithm, response.body()).isEqualTo(200);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (drill != null) {
        drill.writeReport("cluster-faults-report.md");
        drill.close();
      }
    } finally {
      if (sample != null) {
        sample.close();
      }
    }
  }

  @Test
  @Order(1)
  void workerAppKilled() throws Exception {
    drill.runThrough(
        algorithm("worker"),
        "worker1 killed (SIGKILL)",
        algorithm ->
            "worker2 took over its workflows; worker1 healthy again "
                + killAndStartAgain("worker1", algorithm));
  }

  @Test
  @Order(2)
  void apiAppKilled() throws Exception {
    drill.runThrough(
        algorithm("api"),
        "api1 killed (SIGKILL)",
        algorithm ->
            "callbacks and Kafka intake went to api2 through the proxy and a rebalance; api1"
                + " healthy again "
                + killAndStartAgain("api1", algorithm));
  }

  /**
   * Kills one of the launcher's apps with SIGKILL while the second batch arrives, and starts it
   * again (the other instance carries on meanwhile); says how long it was away.
   */
  private static String killAndStartAgain(String app, String algorithm) throws Exception {
    var killed = Instant.now();
    ProcessHandle.of(StackCommands.pidOf(app)).ifPresent(ProcessHandle::destroyForcibly);
    drill.submitDuring(algorithm);
    StackCommands.cluster("stack", "start", app);
    return String.format("%.1f s after the kill", FaultDrill.seconds(killed, Instant.now()));
  }

  @Test
  @Order(3)
  void kafkaBrokerStopped() throws Exception {
    drill.runThrough(
        algorithm("kafka"),
        "Kafka broker kafka2 stopped",
        algorithm -> {
          var stopped = Instant.now();
          StackCommands.cluster("stack", "stop", "kafka2");
          drill.submitDuring(algorithm);
          Thread.sleep(5_000);
          StackCommands.cluster("stack", "start", "kafka2");
          return String.format(
              "two brokers of three served (min.insync.replicas 2); kafka2 back %.1f s later",
              FaultDrill.seconds(stopped, Instant.now()));
        });
  }

  @Test
  @Order(4)
  void redisMasterStopped() throws Exception {
    drill.runThrough(
        algorithm("redis"),
        "Redis master of the algorithm's slots stopped",
        algorithm -> {
          var master = masterOf(algorithm).orElseThrow();
          var repairsBefore = repairs();
          var stopped = Instant.now();
          StackCommands.cluster("stack", "stop", master);
          drill.submitDuring(algorithm);
          await("a replica promoted in place of " + master)
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> masterOf(algorithm).filter(now -> !now.equals(master)).isPresent());
          var promoted = Instant.now();
          var replica = masterOf(algorithm).orElseThrow();
          // the stopped node comes back as a replica of the promoted one
          StackCommands.cluster("stack", "start", master);
          return String.format(
              "%s stopped, %s promoted %.1f s later; the reconciler's repairs: %d",
              master, replica, FaultDrill.seconds(stopped, promoted), repairs() - repairsBefore);
        });
  }

  @Test
  @Order(5)
  void temporalServerRestarted() throws Exception {
    drill.runThrough(
        algorithm("temporal"),
        "Temporal server restarted",
        algorithm -> {
          var started = Instant.now();
          var restart =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return StackCommands.cluster("stack", "restart", "temporalpg");
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
          drill.submitDuring(algorithm);
          restart.get(3, TimeUnit.MINUTES);
          return String.format(
              "restarted, healthy again %.1f s after the stop began",
              FaultDrill.seconds(started, Instant.now()));
        });
  }

  @Test
  @Order(6)
  void theReconcilerRunsInOneWorkerAppAtATime() {
    await("exactly one worker-app holds the reconciler's lease")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> workers().stream().mapToLong(p -> metric(p, "algotask_reconciler_lease")).sum(),
            held -> held == 1);
    var holders =
        workers().stream().map(p -> "port " + p + ": " + metric(p, "algotask_reconciler_lease"));
    drill.addLine("");
    drill.addLine(
        "The reconciler's lease after the faults (algotask_reconciler_lease of each worker-app): "
            + String.join(", ", holders.toList()));
  }

  /**
   * The launcher's service (redis1..redis6) that is now the master of the algorithm's keys; none
   * while a failover is under way.
   */
  private static Optional<String> masterOf(String algorithm) throws Exception {
    var slot = Integer.parseInt(redisCli("cluster", "keyslot", algorithm).trim());
    for (var line : redisCli("cluster", "nodes").split("\n")) {
      var fields = line.trim().split(" ");
      if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < fields.length; i++) {
        var range = fields[i].split("-");
        var from = Integer.parseInt(range[0]);
        var to = range.length > 1 ? Integer.parseInt(range[1]) : from;
        if (slot >= from && slot <= to) {
          var port = Integer.parseInt(fields[1].replaceAll(".*:(\\d+)@.*", "$1"));
          return Optional.of("redis" + (port - FIRST_REDIS_PORT + 1));
        }
      }
    }
    return Optional.empty();
  }

  /** A redis-cli command on the first node that answers (one may be the stopped one). */
  private static String redisCli(String... command) throws Exception {
    for (int node = 0; node < 6; node++) {
      var arguments = new ArrayList<>(List.of("redis-cli", "-p", "" + (FIRST_REDIS_PORT + node)));
      arguments.addAll(List.of(command));
      var process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
      var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() == 0 && !output.startsWith("Could not connect")) {
        return output;
      }
    }
    throw new IllegalStateException("no Redis node answers");
  }

  /** Slot repairs counted by both worker-apps (the reconciler runs in one). */
  private static long repairs() throws Exception {
    return workers().stream().mapToLong(port -> metric(port, "algotask_slots_repairs_total")).sum();
  }

  /** worker1's and worker2's management ports (deploy/local/cluster.sh). */
  private static List<Integer> workers() {
    var appPort = Integer.parseInt(env("ALGOTASK_CLUSTER_APP_PORT", "8471"));
    return List.of(appPort + 110, appPort + 111);
  }

  /** The sum of a metric's series on one app's Prometheus page. */
  private static long metric(int port, String name) {
    try {
      var response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
      return response
          .body()
          .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
          .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' '))))
          .sum();
    } catch (Exception e) {
      throw new IllegalStateException("metrics of port " + port, e);
    }
  }
}
