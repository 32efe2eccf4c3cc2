package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.demo.process.JavaProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example algorithm services of {@code examples/}, each started as its README says (python3,
 * {@code java -jar}), registered through the registry API and handed a task over the real stack
 * with both apps from their jars: the task succeeds with the output the example wrote, and the
 * progress it reported is on the task.
 */
class ExampleServicesIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String RUN = "examples-" + UUID.randomUUID().toString().substring(0, 8);
  // the local profile's development credentials, as the examples' READMEs use them
  private static final String CLIENT_KEY = SharedApps.CLIENT_KEY;
  private static final String OPERATOR_TOKEN = SharedApps.OPERATOR_TOKEN;

  /** The letter of {@link SampleDocuments}, the examples' input. */
  private static final String LETTER =
      "Dear customer,\nyour claim 19 was received and will be processed within 5 days.\n";

  private static final HttpClient http = HttpClient.newHttpClient();
  private static int apiPort;
  private static String letter;

  @BeforeAll
  static void startApps() throws Exception {
    apiPort = SharedApps.get().apiPort();
    letter = SampleDocuments.upload(new StorageSettings(), "examples/" + RUN + "/").get(2);
    assertThat(letter).endsWith("letter-19.txt");
  }

  @Test
  void thePythonExampleRunsATask() throws Exception {
    var port = JavaProcess.freePort();
    var log = Path.of("target", "example-python.log");
    Files.createDirectories(log.getParent());
    var service =
        new ProcessBuilder(
                "python3",
                ROOT.resolve("examples/algorithm-python/service.py").toString(),
                "--port",
                String.valueOf(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      Awaitility.await("the Python example answering")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> get("http://127.0.0.1:" + port + "/health").statusCode() == 200);
      runsATaskAndAnswersACancel("python", port);
    } finally {
      service.destroy();
      if (!service.waitFor(10, TimeUnit.SECONDS)) {
        service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theJavaExampleRunsATask() throws Exception {
    var port = JavaProcess.freePort();
    try (var service =
        JavaProcess.jar(
                "example-java",
                ROOT.resolve("examples/algorithm-java/target/algotask-example-algorithm-java.jar"))
            .jvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
            .arguments(List.of("--server.port=" + port))
            .log(Path.of("target", "example-java.log"))
            .readiness(JavaProcess.Probe.actuatorHealth(port))
            .start()) {
      service.awaitReady(Duration.ofMinutes(2));
      runsATaskAndAnswersACancel("java", port);
    }
  }

  /**
   * Registers an algorithm served by the example on the port, submits a task over HTTP and checks
   * its end, its progress and the output in S3; then the example's cancel endpoint answers.
   */
  private static void runsATaskAndAnswersACancel(String example, int port) throws Exception {
    var service = "http://127.0.0.1:" + port;
    var algorithm = RUN + "-" + example;
    var registered =
        send(
            "PUT",
            "/v1/algorithms/" + algorithm,
            OPERATOR_TOKEN,
            Map.of(
                "endpoint", service + "/invoke",
                "cancelEndpoint", service + "/cancel",
                "maxConcurrency", 2,
                "executionTimeoutSeconds", 60,
                "maxAttempts", 1));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

    var taskId = RUN + "-" + example + "-letter";
    var request =
        Map.of(
            "taskId",
            taskId,
            "algorithm",
            algorithm,
            "tenant",
            "acme",
            "input",
            Map.of("uri", letter));
    var submitted = send("POST", "/v1/tasks", CLIENT_KEY, request);
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    Awaitility.await("the task of the " + example + " example ended")
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED")
                    .contains(task(taskId).path("status").asString()));

    var task = task(taskId);
    assertThat(task.path("status").asString()).as(task.toString()).isEqualTo("SUCCEEDED");
    assertThat(task.path("attempts").asInt()).isEqualTo(1);
    assertThat(task.path("progress").path("attempt").asInt()).isEqualTo(1);
    assertThat(task.path("progress").path("percent").asInt()).isEqualTo(50);
    assertThat(task.path("progress").path("message").asString()).isEqualTo("14 words");
    var stored = get(task.path("output").path("url").asString());
    assertThat(stored.statusCode()).as("the output in S3").isEqualTo(200);
    assertThat(stored.headers().firstValue("Content-Type")).hasValue("application/json");
    var output = JSON.readTree(stored.body());
    assertThat(output.path("words").asInt()).isEqualTo(14);
    assertThat(output.path("text").asString()).isEqualTo(LETTER.toUpperCase(Locale.ROOT));

    // the cancel Algotask sends to a task's open attempt (contract section 3)
    var cancel =
        http.send(
            HttpRequest.newBuilder(URI.create(service + "/cancel"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"taskId\":\"t\",\"attempt\":1}"))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(cancel.statusCode()).isEqualTo(202);
  }

  private static JsonNode task(String taskId) throws Exception {
    var read = send("GET", "/v1/tasks/" + taskId, CLIENT_KEY, null);
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    return JSON.readTree(read.body());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(String method, String path, String bearer, Object body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
