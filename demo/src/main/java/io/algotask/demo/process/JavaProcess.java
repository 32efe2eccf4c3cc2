package io.algotask.demo.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A jar run as a process of its own (one of the apps, or the sample algorithm service), as in
 * production: its output goes to a log file, it is ready when an HTTP probe on one of its ports
 * says so, and it is stopped by its pid. The end-to-end tests and the benchmark start theirs with
 * it.
 */
public final class JavaProcess implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final Duration POLL = Duration.ofMillis(250);

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path log;
  private final Probe readiness;
  private volatile Process process;

  /**
   * How to tell that the process is ready: a GET on {@code 127.0.0.1:port} answers 200 with a body
   * the check accepts. The port is also where {@link #get} goes.
   */
  public record Probe(int port, String path, Predicate<String> ready) {
    /** A Spring Boot app's actuator health, on its management port, says UP. */
    public static Probe actuatorHealth(int managementPort) {
      return new Probe(managementPort, "/actuator/health", JavaProcess::statusUp);
    }

    /** Any 200 answer to the path. */
    public static Probe answering(int port, String path) {
      return new Probe(port, path, body -> true);
    }
  }

  private JavaProcess(
      String name, List<String> command, Map<String, String> environment, Path log, Probe probe) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.log = log;
    this.readiness = probe;
  }

  /** What to run: start with {@link #jar}. */
  public static final class Builder {
    private final String name;
    private final Path jar;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> arguments = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path log;
    private boolean appendLog;
    private Probe readiness;

    private Builder(String name, Path jar) {
      this.name = name;
      this.jar = jar;
    }

    /** e.g. {@code -Xmx512m -XX:+UseSerialGC} */
    public Builder jvmOptions(List<String> options) {
      jvmOptions.addAll(options);
      return this;
    }

    public Builder arguments(List<String> more) {
      arguments.addAll(more);
      return this;
    }

    /** Added to this process's environment. */
    public Builder environment(Map<String, String> variables) {
      environment.putAll(variables);
      return this;
    }

    /** The log file, started afresh. */
    public Builder log(Path file) {
      this.log = file;
      this.appendLog = false;
      return this;
    }

    /** The log file, appended to (several processes of one run, one after the other). */
    public Builder appendingLog(Path file) {
      this.log = file;
      this.appendLog = true;
      return this;
    }

    public Builder readiness(Probe probe) {
      this.readiness = probe;
      return this;
    }

    /** Starts the process; returns at once (see {@link #awaitReady}). */
    public JavaProcess start() throws IOException {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing: build it first (mvn package)");
      }
      if (log == null || readiness == null) {
        throw new IllegalStateException(name + ": a log file and a readiness probe are needed");
      }
      Files.createDirectories(log.toAbsolutePath().getParent());
      var command = new ArrayList<String>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-jar");
      command.add(jar.toString());
      command.addAll(arguments);
      var started = new JavaProcess(name, command, environment, log.toAbsolutePath(), readiness);
      started.process = started.launch(appendLog);
      return started;
    }
  }

  public static Builder jar(String name, Path jar) {
    return new Builder(name, jar);
  }

  private Process launch(boolean appendLog) throws IOException {
    var builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                appendLog
                    ? ProcessBuilder.Redirect.appendTo(log.toFile())
                    : ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** A port free now, for a process to listen on. */
  public static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Whether a Spring Boot health document says UP overall. */
  public static boolean statusUp(String health) {
    return "UP".equals(JSON.readTree(health).path("status").asString());
  }

  public String name() {
    return name;
  }

  /** The current pid, or -1 when it does not run. */
  public long pid() {
    var current = process;
    return current.isAlive() ? current.pid() : -1;
  }

  public Path log() {
    return log;
  }

  /**
   * Waits for the readiness probe; fails with the end of the log if the process exits first or the
   * timeout passes.
   */
  public void awaitReady(Duration timeout) throws InterruptedException {
    var deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited during start-up:\n" + tail(40));
      }
      try {
        var response = send(readiness.path(), Duration.ofSeconds(5));
        if (response.statusCode() == 200 && readiness.ready().test(response.body())) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new IllegalStateException(name + " was not ready within " + timeout + ":\n" + tail(40));
  }

  /** The body of a GET on the probe's port, e.g. {@code /actuator/prometheus}. */
  public String get(String path) throws IOException, InterruptedException {
    var response = send(path, Duration.ofSeconds(10));
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
    }
    return response.body();
  }

  private HttpResponse<String> send(String path, Duration timeout)
      throws IOException, InterruptedException {
    var uri = URI.create("http://127.0.0.1:" + readiness.port() + path);
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The last lines of the log. */
  public String tail(int lines) {
    try {
      var all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGKILL, as a crash would: no shutdown hook, nothing flushed; waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
    }
  }

  /** Starts the process again with the same command; its log goes on in the same file. */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
    }
    process = launch(true);
  }

  /** SIGTERM, without waiting. */
  public void destroy() {
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
