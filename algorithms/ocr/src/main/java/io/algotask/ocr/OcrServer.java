package io.algotask.ocr;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OCR algorithm service (docs/algorithm-services.md): {@code POST /ocr} takes an invocation and
 * answers 202 at once (429 with {@code Retry-After} when {@code capacity} jobs are running), {@code
 * POST /ocr/cancel} stops a job, {@code GET /health} says it is up, with its counts. A job reads
 * the input through its presigned URL, recognises it page by page (reporting progress after each
 * page), writes the JSON result through the output URL and calls back.
 */
final class OcrServer implements AutoCloseable {
  static final String PATH = "/ocr";
  static final String CANCEL_PATH = "/ocr/cancel";
  private static final int MAX_INVOCATION_BYTES = 1 << 20;
  private static final int CALLBACK_TRIES = 5;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final System.Logger LOG = System.getLogger(OcrServer.class.getName());

  private record AttemptKey(String taskId, int attempt) {}

  private final OcrSettings settings;
  private final OcrEngine engine;
  private final RequestSignatures signatures;
  private final OcrCounters counters = new OcrCounters();
  private final JsonMapper json = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
  private final Semaphore slots;
  private final Map<AttemptKey, OcrJob> jobs = new ConcurrentHashMap<>();
  private final ExecutorService workers = Executors.newCachedThreadPool();
  // stops each job at its attempt's deadline
  private final ScheduledExecutorService deadlines =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "ocr-deadlines");
            thread.setDaemon(true);
            return thread;
          });
  private final HttpServer server;

  OcrServer(OcrSettings settings) throws IOException {
    this.settings = settings;
    this.engine = new OcrEngine(settings);
    this.signatures =
        new RequestSignatures(
            settings.signingKeys().secrets(),
            settings.signatureToleranceSeconds(),
            Clock.systemUTC());
    if (!signatures.checking()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "invocations and cancels are not checked for Algotask's signature: signing-keys is not"
              + " set");
    }
    this.slots = new Semaphore(settings.capacity());
    server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(CANCEL_PATH, this::cancel);
    server.createContext(PATH, this::invoke);
    server.createContext("/health", this::health);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Jobs running now. */
  int running() {
    return jobs.size();
  }

  private void invoke(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 405, error("METHOD_NOT_ALLOWED", "POST an invocation here"));
      return;
    }
    Invocation invocation;
    try {
      byte[] body = readBody(exchange);
      if (refusedUnsigned(exchange, body)) {
        return;
      }
      invocation = Invocation.parse(json.readTree(body), settings.defaultLanguage());
      engine.checkLanguage(invocation.language());
    } catch (IllegalArgumentException | JacksonException e) {
      send(exchange, 400, error("INVALID_INVOCATION", e.getMessage()));
      return;
    } catch (OcrFailure e) {
      send(exchange, 400, error(e.code(), e.getMessage()));
      return;
    }
    AttemptKey key = new AttemptKey(invocation.taskId(), invocation.attempt());
    if (jobs.containsKey(key)) {
      send(exchange, 202, "{\"status\":\"accepted before\"}"); // a resend of a running attempt
      return;
    }
    if (!slots.tryAcquire()) {
      counters.busy.increment();
      exchange
          .getResponseHeaders()
          .set("Retry-After", Integer.toString(settings.retryAfterSeconds()));
      send(
          exchange,
          429,
          error("BUSY", "all " + settings.capacity() + " OCR slots are busy; try again later"));
      return;
    }
    OcrJob job = new OcrJob();
    if (jobs.putIfAbsent(key, job) != null) {
      slots.release();
      send(exchange, 202, "{\"status\":\"accepted before\"}");
      return;
    }
    // past the deadline the attempt is over on Algotask's side: stop, and do not call back
    ScheduledFuture<?> expiry =
        invocation.deadline() == null
            ? null
            : deadlines.schedule(
                () -> job.cancel("the attempt's deadline passed"),
                Math.max(0, Duration.between(Instant.now(), invocation.deadline()).toMillis()),
                TimeUnit.MILLISECONDS);
    counters.accepted.increment();
    // Freed before the final callback: Algotask hands the task's slot on as soon as it has the
    // callback, and the next invocation must find this service's slot free too, not answer 429.
    AtomicBoolean slotFreed = new AtomicBoolean();
    Runnable freeSlot =
        () -> {
          if (slotFreed.compareAndSet(false, true)) {
            slots.release();
          }
        };
    workers.execute(
        () -> {
          try {
            run(invocation, job, freeSlot);
          } finally {
            if (expiry != null) {
              expiry.cancel(false);
            }
            freeSlot.run();
            jobs.remove(key, job);
          }
        });
    send(exchange, 202, "{\"status\":\"accepted\"}");
  }

  private void cancel(HttpExchange exchange) throws IOException {
    try {
      byte[] raw = readBody(exchange);
      if (refusedUnsigned(exchange, raw)) {
        return;
      }
      JsonNode body = json.readTree(raw);
      OcrJob job =
          jobs.get(new AttemptKey(body.path("taskId").asString(""), body.path("attempt").asInt(0)));
      if (job != null) {
        job.cancel("cancelled by Algotask");
      }
      send(
          exchange,
          202,
          job == null ? "{\"status\":\"not running\"}" : "{\"status\":\"cancelled\"}");
    } catch (IllegalArgumentException | JacksonException e) {
      send(exchange, 400, error("INVALID_REQUEST", e.getMessage()));
    }
  }

  /** Answers 401 with the reason when the request is not signed as it must be. */
  private boolean refusedUnsigned(HttpExchange exchange, byte[] body) throws IOException {
    RequestSignatures.Rejection rejection =
        signatures.check(exchange.getRequestHeaders().getFirst(RequestSignatures.HEADER), body);
    if (rejection == null) {
      return false;
    }
    send(exchange, 401, error(rejection.code(), rejection.message()));
    return true;
  }

  private void run(Invocation invocation, OcrJob job, Runnable freeSlot) {
    Path work = null;
    try {
      work = Files.createTempDirectory("ocr-" + invocation.taskId() + "-");
      Path input = download(invocation.inputUrl(), work.resolve("input"), job);
      OcrResult result =
          engine.recognise(
              input,
              invocation.language(),
              work,
              job,
              (page, count) -> {
                counters.pages.increment();
                progress(invocation, job, page, count);
              });
      byte[] body = json.writeValueAsBytes(result);
      upload(invocation.uploadUrl(), body);
      ObjectNode output = json.createObjectNode();
      output.put("uri", invocation.outputUri());
      output.put("contentType", "application/json");
      output.put("sizeBytes", body.length);
      finish(invocation, job, freeSlot, "SUCCEEDED", "output", output);
    } catch (OcrJob.CancelledException e) {
      counters.cancelled.increment();
      LOG.log(
          System.Logger.Level.INFO,
          "task {0} attempt {1} stopped: {2}",
          invocation.taskId(),
          invocation.attempt(),
          e.getMessage());
    } catch (OcrFailure e) {
      fail(invocation, job, freeSlot, e);
    } catch (InterruptedException e) {
      counters.cancelled.increment(); // the service is stopping
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "task " + invocation.taskId() + " failed", e);
      fail(invocation, job, freeSlot, new OcrFailure(OcrFailure.OCR_ERROR, e.toString(), true));
    } finally {
      deleteQuietly(work);
    }
  }

  private Path download(URI url, Path target, OcrJob job)
      throws IOException, InterruptedException, OcrFailure {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      if (response.statusCode() != 200) {
        throw new OcrFailure(
            OcrFailure.INPUT_UNREADABLE,
            "reading the input answered HTTP " + response.statusCode(),
            true);
      }
      try (OutputStream out = Files.newOutputStream(target)) {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          total += n;
          if (total > settings.maxInputBytes()) {
            throw OcrFailure.badInput(
                OcrFailure.INPUT_TOO_LARGE,
                "the input is larger than the limit of " + settings.maxInputBytes() + " bytes");
          }
          out.write(buffer, 0, n);
          job.checkNotCancelled();
        }
      }
    }
    return target;
  }

  private void upload(URI url, byte[] body) throws IOException, InterruptedException {
    HttpResponse<Void> response =
        http.send(
            HttpRequest.newBuilder(url)
                .timeout(Duration.ofMinutes(1))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("writing the output answered HTTP " + response.statusCode());
    }
  }

  /** Best effort: a lost report only leaves an older one shown; 409 means the attempt is over. */
  private void progress(Invocation invocation, OcrJob job, int page, int count) {
    ObjectNode body = json.createObjectNode();
    body.put("attempt", invocation.attempt());
    body.put("percent", page * 100 / count);
    body.put("message", "page " + page + " of " + count);
    try {
      int status = post(invocation.callbackUrl().resolve("progress"), invocation.token(), body);
      if (status == 409) {
        job.cancel("a progress report was answered 409: the attempt is over");
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "progress report lost", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void fail(Invocation invocation, OcrJob job, Runnable freeSlot, OcrFailure failure) {
    finish(
        invocation,
        job,
        freeSlot,
        "FAILED",
        "error",
        failure(failure.code(), failure.getMessage(), failure.retryable()));
  }

  /**
   * Counts the job's outcome, frees its slot and calls back with it; a cancelled job is not called
   * back.
   */
  private void finish(
      Invocation invocation,
      OcrJob job,
      Runnable freeSlot,
      String status,
      String field,
      ObjectNode value) {
    if (job.cancelled()) {
      counters.cancelled.increment();
      return;
    }
    (status.equals("SUCCEEDED") ? counters.succeeded : counters.failed).increment();
    freeSlot.run();
    callback(invocation, status, field, value);
  }

  /** Retried on a connection failure or a 5xx (a repeat is harmless); never on another answer. */
  private void callback(Invocation invocation, String status, String field, ObjectNode value) {
    ObjectNode body = json.createObjectNode();
    body.put("attempt", invocation.attempt());
    body.put("status", status);
    body.set(field, value);
    for (int attempt = 1; attempt <= CALLBACK_TRIES; attempt++) {
      try {
        int answer = post(invocation.callbackUrl(), invocation.token(), body);
        if (answer < 500) {
          return;
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "callback not delivered", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(100L << attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    LOG.log(System.Logger.Level.WARNING, "callback of task {0} not delivered", invocation.taskId());
  }

  private int post(URI url, String token, ObjectNode body)
      throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(url)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Always 200 and UP while the server answers, with the counts since start. */
  private void health(HttpExchange exchange) throws IOException {
    ObjectNode health = json.createObjectNode();
    health.put("status", "UP");
    health.put("running", running());
    health.put("capacity", settings.capacity());
    counters.writeTo(health);
    send(exchange, 200, health.toString());
  }

  private ObjectNode failure(String code, String message, boolean retryable) {
    ObjectNode error = json.createObjectNode();
    error.put("code", code);
    error.put("message", message);
    error.put("retryable", retryable);
    return error;
  }

  private String error(String code, String message) {
    ObjectNode error = json.createObjectNode();
    error.put("error", code);
    error.put("message", message);
    return error.toString();
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_INVOCATION_BYTES + 1);
      if (body.length > MAX_INVOCATION_BYTES) {
        throw new IllegalArgumentException(
            "the invocation is over " + MAX_INVOCATION_BYTES + " bytes");
      }
      return body;
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "could not delete " + dir, e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    jobs.values().forEach(job -> job.cancel("the service is stopping"));
    workers.shutdownNow();
    deadlines.shutdownNow();
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
