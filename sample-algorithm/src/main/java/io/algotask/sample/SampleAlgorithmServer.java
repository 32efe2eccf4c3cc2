package io.algotask.sample;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running sample algorithm service: the HTTP server and the work it started. Embed it in tests
 * with {@code try (var server = SampleAlgorithmServer.start(SampleAlgorithmSettings.forTests()))}
 * and register {@link #invocationUrl(String)} as an algorithm's endpoint.
 *
 * <p>Endpoints: {@code POST /algorithms/{name}}, {@code POST /algorithms/{name}/cancel}, {@code GET
 * /stats}, {@code POST /stats/reset}, {@code GET} and {@code PUT /capacity}, {@code GET /health}.
 */
public final class SampleAlgorithmServer implements AutoCloseable {
  /**
   * The JDK's HTTP server flushes the headers before the body; without TCP_NODELAY, Nagle's
   * algorithm then holds the body until the client's delayed ACK, some 40 ms per answer. The JDK
   * reads this property once, when its first HTTP server is created in the JVM: a test that creates
   * another JDK HTTP server first should pass {@code -Dsun.net.httpserver.nodelay=true}.
   */
  static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

  static {
    if (System.getProperty(NO_DELAY_PROPERTY) == null) {
      System.setProperty(NO_DELAY_PROPERTY, "true");
    }
  }

  /** Connections waiting to be accepted; the JDK's default of 50 drops bursts. */
  private static final int ACCEPT_BACKLOG = 1024;

  private final HttpServer http;
  private final ExecutorService workers;
  private final ScheduledThreadPoolExecutor timer;
  private final SampleAlgorithm algorithm;
  private final String baseUrl;

  private SampleAlgorithmServer(
      HttpServer http,
      ExecutorService workers,
      ScheduledThreadPoolExecutor timer,
      SampleAlgorithm algorithm) {
    this.http = http;
    this.workers = workers;
    this.timer = timer;
    this.algorithm = algorithm;
    InetAddress address = http.getAddress().getAddress();
    String host =
        address.isAnyLocalAddress()
            ? InetAddress.getLoopbackAddress().getHostAddress()
            : address.getHostAddress();
    this.baseUrl =
        "http://"
            + (host.contains(":") ? "[" + host + "]" : host)
            + ":"
            + http.getAddress().getPort();
  }

  /**
   * Binds and starts serving.
   *
   * @throws IllegalArgumentException if the bind address cannot be resolved
   * @throws IOException if the port cannot be bound
   */
  public static SampleAlgorithmServer start(SampleAlgorithmSettings settings) throws IOException {
    InetSocketAddress address = new InetSocketAddress(settings.bindAddress(), settings.port());
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "bindAddress '" + settings.bindAddress() + "' cannot be resolved");
    }
    ExecutorService workers =
        new ThreadPoolExecutor(
            settings.workerThreads(),
            settings.workerThreads(),
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            daemonThreads("sample-algorithm-worker-"));
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, daemonThreads("sample-algorithm-timer-"));
    timer.setRemoveOnCancelPolicy(true); // cancelled deadlines must not pile up in the queue
    // Building the HTTP client (it sets up TLS) and the JSON mapper each load hundreds of
    // classes: doing both at once saves about a third of the start-up time on two cores.
    CompletableFuture<HttpClient> client =
        CompletableFuture.supplyAsync(
            () ->
                HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1) // presigned URLs want no h2c upgrade
                    .connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(workers)
                    .build(),
            workers);
    JsonMapper json;
    HttpServer http;
    try {
      json = JsonMapper.builder().build();
      client.join();
      http = HttpServer.create(address, ACCEPT_BACKLOG);
    } catch (IOException | RuntimeException e) {
      workers.shutdownNow();
      timer.shutdownNow();
      throw e;
    }

    SampleAlgorithm algorithm =
        new SampleAlgorithm(
            settings, timer, new AttemptRunner(client.join(), timer, workers, json));
    HttpExchanges exchanges = new HttpExchanges(json);
    http.createContext(AlgorithmEndpoint.PATH, new AlgorithmEndpoint(algorithm, exchanges));
    http.createContext("/stats", new StatsEndpoint(algorithm, exchanges));
    http.createContext(CapacityEndpoint.PATH, new CapacityEndpoint(algorithm, exchanges));
    http.createContext("/", new HealthEndpoint(exchanges));
    http.setExecutor(workers);
    http.start();
    return new SampleAlgorithmServer(http, workers, timer, algorithm);
  }

  /** The port bound (the free one picked when the settings said 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  /** E.g. {@code http://127.0.0.1:8090}, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The endpoint to register for {@code algorithm}: {@code {baseUrl}/algorithms/{algorithm}}. */
  public URI invocationUrl(String algorithm) {
    return URI.create(baseUrl + AlgorithmEndpoint.PATH + algorithm);
  }

  /** The cancel endpoint to register for {@code algorithm}. */
  public URI cancelUrl(String algorithm) {
    return URI.create(baseUrl + AlgorithmEndpoint.PATH + algorithm + "/cancel");
  }

  /** The settings in force: the bound port, and the seed in use even if none was given. */
  public SampleAlgorithmSettings settings() {
    return algorithm.settings().toBuilder().port(port()).build();
  }

  /**
   * Changes latency and rates (and the seed, if one is given) for invocations that arrive from now
   * on. {@code port}, {@code bindAddress} and {@code workerThreads} stay as started.
   */
  public void update(SampleAlgorithmSettings settings) {
    SampleAlgorithmSettings started = algorithm.settings();
    algorithm.update(
        settings.toBuilder()
            .port(started.port())
            .bindAddress(started.bindAddress())
            .workerThreads(started.workerThreads())
            .build());
  }

  /** The counters of one algorithm; all zero for an algorithm never invoked. */
  public AlgorithmStats stats(String algorithm) {
    return this.algorithm.stats().snapshot(algorithm);
  }

  /** The counters of every algorithm invoked, by name. */
  public Map<String, AlgorithmStats> stats() {
    return algorithm.stats().snapshotAll();
  }

  /** Zeroes the counters; each peak restarts from its current running count. */
  public void resetStats() {
    algorithm.stats().resetAll();
  }

  /**
   * Stops serving at once and abandons the work in flight: no further callbacks are started, though
   * one already on the wire may still arrive.
   */
  @Override
  public void close() {
    algorithm.stop();
    http.stop(0);
    timer.shutdownNow();
    workers.shutdownNow();
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS);
      workers.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true); // an embedding test's JVM must be able to exit without close()
      return thread;
    };
  }
}
