package io.algotask.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/** One of the apps, run from its jar as a process of its own, as in production. */
final class AppProcess implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String WORKER_JAR = "worker-app/target/algotask-worker-app.jar";
  private static final String API_JAR = "api-app/target/algotask-api-app.jar";
  private static final Duration STARTUP = Duration.ofMinutes(4);
  private final String name;
  private final List<String> command;
  private final Path log;
  private final int httpPort;
  private final int managementPort;
  private volatile Process process;

  private AppProcess(
      String name, List<String> command, Path log, int httpPort, int managementPort) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
  }

  static AppProcess start(String name, Path jar, int httpPort, List<String> arguments)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the apps first (mvn package)");
    }
    var log = Path.of("target", "e2e-" + name + ".log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the tests start a dozen short-lived apps: the quick compiler alone starts them sooner
    command.addAll(
        List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    command.add("--server.port=" + httpPort);
    var managementPort = freePort();
    command.add("--management.server.port=" + managementPort);
    command.addAll(arguments);
    var app = new AppProcess(name, command, log, httpPort, managementPort);
    app.process = app.launch(ProcessBuilder.Redirect.to(log.toFile()));
    return app;
  }

  private Process launch(ProcessBuilder.Redirect output) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
  }

  /**
   * The arguments both apps of one test run share: the test profile, and a task queue and topics of
   * the run's own, so that runs never see one another's tasks.
   */
  static List<String> runArguments(String run, int apiPort) {
    return new ArrayList<>(
        List.of(
            "--spring.profiles.active=it",
            "--algotask.temporal.task-queue=" + run,
            "--algotask.topics.requests=" + requestsTopic(run),
            "--algotask.topics.results=" + resultsTopic(run),
            "--algotask.topics.dead-letter=" + requestsTopic(run) + ".dlq",
            "--algotask.callback.base-url=http://127.0.0.1:" + apiPort));
  }

  /** Both apps of one test run, each healthy. */
  record Apps(AppProcess worker, AppProcess api) {}

  /**
   * Starts both apps from their jars: the worker with the run's shared arguments, api-app with
   * those, its gRPC port, a consumer group of the run's own and its own extra arguments; returns
   * once both are healthy, or stops both and fails.
   */
  static Apps startBoth(
      String name,
      String run,
      int apiPort,
      int grpcPort,
      List<String> common,
      List<String> apiArguments)
      throws Exception {
    var worker = start(name + "-worker", ROOT.resolve(WORKER_JAR), freePort(), common);
    var apiAll = new ArrayList<>(common);
    apiAll.add("--spring.grpc.server.port=" + grpcPort);
    apiAll.add("--spring.kafka.consumer.group-id=" + run);
    apiAll.addAll(apiArguments);
    AppProcess api = null;
    try {
      api = start(name + "-api", ROOT.resolve(API_JAR), apiPort, apiAll);
      api.awaitHealthy(STARTUP);
      worker.awaitHealthy(STARTUP);
      return new Apps(worker, api);
    } catch (Exception | Error failure) {
      worker.close();
      if (api != null) {
        api.close();
      }
      throw failure;
    }
  }

  static String requestsTopic(String run) {
    return "algotask." + run + ".requests";
  }

  static String resultsTopic(String run) {
    return "algotask." + run + ".results";
  }

  int httpPort() {
    return httpPort;
  }

  static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Waits for the actuator (on the management port) to say UP; fails with the end of the app's log
   * otherwise.
   */
  void awaitHealthy(Duration timeout) throws Exception {
    var http = HttpClient.newHttpClient();
    var health = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health");
    var deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited during start-up:\n" + tail());
      }
      try {
        var response =
            http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200
            && "UP".equals(JSON.readTree(response.body()).path("status").asString())) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(name + " was not healthy within " + timeout + ":\n" + tail());
  }

  /** The body of a GET on the app's management port, e.g. {@code /actuator/prometheus}. */
  String get(String path) throws IOException, InterruptedException {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
    }
    return response.body();
  }

  /** Kills the app with SIGKILL, as a crash would: no shutdown hook, nothing flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
    }
  }

  /** Starts the app again with the same arguments; its log goes on in the same file. */
  void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
    }
    process = launch(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  String tail() throws IOException {
    var lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
