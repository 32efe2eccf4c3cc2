package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.demo.process.JavaProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * One pair of apps from their jars for the end-to-end tests that need no setting of their own:
 * started by the first of them, stopped when the tests' JVM ends. Each test registers its own
 * algorithms through the registry API, names its tasks after its own run, and reads only its own
 * tasks' results from the shared topics. Starting a pair takes 20 to 40 s on two cores: sharing one
 * keeps the suite short.
 */
final class SharedApps {
  /** The local profile's operator token. */
  static final String OPERATOR_TOKEN = "algotask-dev-operator-token";

  /** The local profile's client key, allowed every tenant. */
  static final String CLIENT_KEY = "algotask-dev-client-key";

  private static final String RUN = "shared-" + UUID.randomUUID().toString().substring(0, 8);

  /** A client allowed only the tenant acme. */
  static final String ACME_KEY = RUN + "-acme-key";

  /** A client allowed only the tenant globex. */
  static final String GLOBEX_KEY = RUN + "-globex-key";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static SharedApps started;

  private final TestApps.Apps apps;
  private final int apiPort;
  private final int grpcPort;

  private SharedApps(TestApps.Apps apps, int apiPort, int grpcPort) {
    this.apps = apps;
    this.apiPort = apiPort;
    this.grpcPort = grpcPort;
  }

  /** The shared pair, started at the first call. */
  static synchronized SharedApps get() throws Exception {
    if (started == null) {
      var apiPort = JavaProcess.freePort();
      var grpcPort = JavaProcess.freePort();
      var apps =
          TestApps.startBoth(
              "shared",
              RUN,
              apiPort,
              grpcPort,
              TestApps.runArguments(RUN, apiPort),
              List.of(
                  "--algotask.api.clients[0].name=dev",
                  "--algotask.api.clients[0].key=" + CLIENT_KEY,
                  "--algotask.api.clients[0].tenants=*",
                  "--algotask.api.clients[1].name=acme",
                  "--algotask.api.clients[1].key=" + ACME_KEY,
                  "--algotask.api.clients[1].tenants=acme",
                  "--algotask.api.clients[2].name=globex",
                  "--algotask.api.clients[2].key=" + GLOBEX_KEY,
                  "--algotask.api.clients[2].tenants=globex"));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      apps.api().close();
                      apps.worker().close();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      started = new SharedApps(apps, apiPort, grpcPort);
    }
    return started;
  }

  /** The worker-app's process, for its actuator. */
  JavaProcess worker() {
    return apps.worker();
  }

  int apiPort() {
    return apiPort;
  }

  int grpcPort() {
    return grpcPort;
  }

  URI apiUri(String path) {
    return URI.create("http://127.0.0.1:" + apiPort + path);
  }

  /** The Temporal task queue of the shared pair's workflows. */
  String taskQueue() {
    return RUN;
  }

  String requestsTopic() {
    return TestApps.requestsTopic(RUN);
  }

  String resultsTopic() {
    return TestApps.resultsTopic(RUN);
  }

  /** Opens a business service's Kafka traffic on the shared topics. */
  TaskTraffic traffic() {
    return new TaskTraffic("127.0.0.1:9092", requestsTopic(), resultsTopic());
  }

  /**
   * Registers an algorithm (or replaces its settings) through the registry API, as an operator
   * would; the fields are those of {@code PUT /v1/algorithms/{name}}.
   */
  void register(String name, Map<String, Object> settings) throws Exception {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(apiUri("/v1/algorithms/" + name))
                .header("Authorization", "Bearer " + OPERATOR_TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(settings)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("PUT %s: %s", name, response.body()).isEqualTo(200);
  }
}
