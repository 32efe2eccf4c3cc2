package io.algotask.bench;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A jar run as a process of its own (an app or the sample algorithm service), output to a log. */
final class JavaProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final String name;
  private final Path log;
  private final int httpPort;
  private final Process process;

  private JavaProcess(String name, Path log, int httpPort, Process process) {
    this.name = name;
    this.log = log;
    this.httpPort = httpPort;
    this.process = process;
  }

  /**
   * @param jvmOptions e.g. {@code -Xmx512m -XX:+UseSerialGC}
   * @param environment added to this process's environment
   */
  static JavaProcess start(
      String name,
      Path jar,
      List<String> jvmOptions,
      List<String> arguments,
      Map<String, String> environment,
      int httpPort,
      Path log)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it first (./algotask bench does)");
    }
    Files.createDirectories(log.getParent());
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(arguments);
    var builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    return new JavaProcess(name, log, httpPort, builder.start());
  }

  static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.isAlive() ? process.pid() : -1;
  }

  int httpPort() {
    return httpPort;
  }

  Path log() {
    return log;
  }

  /** Waits until GET path answers 200 with a body the check accepts. */
  void awaitHealthy(String path, Predicate<String> healthy, Duration timeout) throws Exception {
    var uri = URI.create("http://127.0.0.1:" + httpPort + path);
    var deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited during start-up:\n" + tail(40));
      }
      try {
        var response =
            HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && healthy.test(response.body())) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(name + " was not healthy within " + timeout + ":\n" + tail(40));
  }

  /** The body of a GET on the process's HTTP port. */
  String get(String path) throws IOException, InterruptedException {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
    }
    return response.body();
  }

  String tail(int lines) {
    try {
      var all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, without waiting. */
  void destroy() {
    process.destroy();
  }

  /** SIGTERM, then SIGKILL if it is still there after 20 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
