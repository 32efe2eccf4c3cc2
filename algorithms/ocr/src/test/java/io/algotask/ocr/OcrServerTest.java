package io.algotask.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service over HTTP, with real Tesseract, against a stub of the storage (presigned URLs) and of
 * Algotask's callback and progress endpoints.
 */
class OcrServerTest {
  @TempDir static Path samples;
  @TempDir Path work;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String HEADER = RequestSignatures.HEADER;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, byte[]> outputs = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> callbacks = new ConcurrentHashMap<>();
  private final List<String> progress = new CopyOnWriteArrayList<>();
  private final List<String> inputsRead = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> handOffAnswer = new CompletableFuture<>();
  private HttpServer stub;
  private OcrServer server;

  @BeforeAll
  static void writeSamples() throws Exception {
    SampleDocuments.writeAll(samples);
    byte[] png = Files.readAllBytes(samples.resolve("english.png"));
    Files.write(samples.resolve("truncated.png"), Arrays.copyOf(png, 100));
  }

  @BeforeEach
  void startStub() throws IOException {
    stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.setExecutor(Executors.newFixedThreadPool(4));
    stub.createContext(
        "/input/",
        exchange -> {
          inputsRead.add(name(exchange, "/input/"));
          answer(exchange, 200, Files.readAllBytes(samples.resolve(name(exchange, "/input/"))));
        });
    stub.createContext(
        "/output/",
        exchange -> {
          outputs.put(name(exchange, "/output/"), exchange.getRequestBody().readAllBytes());
          answer(exchange, 200, new byte[0]);
        });
    stub.createContext(
        "/tasks/",
        exchange -> {
          String[] path = name(exchange, "/tasks/").split("/");
          JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
          if (path[1].equals("progress")) {
            progress.add(path[0] + ": " + body.path("message").asString());
          } else {
            callbacks.put(path[0], body);
            if (path[0].startsWith("handoff")) {
              handOffAnswer.complete(handOff());
            }
          }
          // a task named over-... is over as far as Algotask is concerned
          answer(exchange, path[0].startsWith("over") ? 409 : 202, "{}".getBytes());
        });
    stub.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    stub.stop(0);
  }

  @Test
  void recognisesAPdfReportingItsPagesInOrderAndCallsBack() throws Exception {
    server = new OcrServer(settings());
    assertThat(invoke("report", 1, "report.pdf", "eng").statusCode()).isEqualTo(202);

    await().atMost(Duration.ofSeconds(30)).until(() -> callbacks.containsKey("report"));
    JsonNode callback = callbacks.get("report");
    assertThat(callback.path("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(callback.path("attempt").asInt()).isEqualTo(1);
    assertThat(callback.path("output").path("uri").asString())
        .isEqualTo("s3://results/results/acme/report/attempt-1");
    assertThat(callback.path("output").path("sizeBytes").asInt())
        .isEqualTo(outputs.get("report").length);
    assertThat(progress)
        .containsExactly("report: page 1 of 3", "report: page 2 of 3", "report: page 3 of 3");

    JsonNode result = JSON.readTree(outputs.get("report"));
    assertThat(result.path("language").asString()).isEqualTo("eng");
    assertThat(result.path("pageCount").asInt()).isEqualTo(3);
    assertThat(result.path("pages").get(1).path("text").asString())
        .startsWith("Page two continues the report.");
    JsonNode word = result.path("pages").get(0).path("words").get(0);
    assertThat(word.path("text").asString()).isEqualTo("Page");
    assertThat(word.path("confidence").asDouble()).isGreaterThan(80);
    assertThat(word.path("width").asInt()).isPositive();

    await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 0);
    JsonNode health = health();
    assertThat(health.path("status").asString()).isEqualTo("UP");
    assertCounts(health, "running", 0, "accepted", 1, "busy", 0, "succeeded", 1, "failed", 0);
    assertCounts(health, "cancelled", 0, "pages", 3);
    assertThat(health.path("capacity").asInt())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    // Tesseract on three pages takes a good part of a second at least
    assertThat(health.path("cpuMillis").asLong()).isGreaterThan(100);
  }

  @Test
  void aCorruptFileEndsFailedNotRetryableWithItsReason() throws Exception {
    server = new OcrServer(settings());
    assertThat(invoke("corrupt", 1, "truncated.png", null).statusCode()).isEqualTo(202);

    await().atMost(Duration.ofSeconds(30)).until(() -> callbacks.containsKey("corrupt"));
    JsonNode callback = callbacks.get("corrupt");
    assertThat(callback.path("status").asString()).isEqualTo("FAILED");
    assertThat(callback.path("error").path("code").asString()).isEqualTo("CORRUPT_FILE");
    assertThat(callback.path("error").path("message").asString()).contains("page 1");
    assertThat(callback.path("error").path("retryable").asBoolean()).isFalse();
    assertThat(outputs).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 0);
    assertCounts(health(), "accepted", 1, "succeeded", 0, "failed", 1, "pages", 0);
  }

  @Test
  void stopsWhenAProgressReportSaysTheAttemptIsOver() throws Exception {
    server = new OcrServer(settings());
    assertThat(invoke("over", 1, "report.pdf", "eng").statusCode()).isEqualTo(202);

    await().atMost(Duration.ofSeconds(30)).until(() -> !progress.isEmpty());
    await().atMost(Duration.ofSeconds(30)).until(() -> server.running() == 0);
    assertThat(progress).containsExactly("over: page 1 of 3");
    assertThat(callbacks).doesNotContainKey("over");
    assertThat(outputs).doesNotContainKey("over");
    assertCounts(health(), "accepted", 1, "succeeded", 0, "failed", 0, "cancelled", 1, "pages", 1);
  }

  @Test
  void refusesAnUnknownLanguageAtOnce() throws Exception {
    server = new OcrServer(settings());
    HttpResponse<String> answer = invoke("german", 1, "english.png", "deu");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("UNSUPPORTED_LANGUAGE").contains("'deu'");
  }

  @Test
  void refusesADeadlineThatIsNotATime() throws Exception {
    server = new OcrServer(settings());
    String body =
        invocation("soon", 1, "english.png", null)
            .replaceFirst("\"deadline\":\"[^\"]*\"", "\"deadline\":\"soon\"");
    HttpResponse<String> answer = post(invocationUri(), body);
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("deadline is not an ISO-8601 time");
  }

  @Test
  void answers429BeyondCapacityAndACancelDestroysTheRunningProgram() throws Exception {
    server = new OcrServer(slowSettings("--capacity=1"));

    assertThat(invoke("first", 1, "english.png", null).statusCode()).isEqualTo(202);
    HttpResponse<String> busy = invoke("second", 1, "english.png", null);
    assertThat(busy.statusCode()).isEqualTo(429);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(busy.body()).contains("slots are busy");
    HttpResponse<String> resend = invoke("first", 1, "english.png", null);
    assertThat(resend.statusCode()).isEqualTo(202);
    assertThat(resend.body()).contains("accepted before");

    List<ProcessHandle> programs = slowProgramsRunning();
    HttpResponse<String> cancel = post(cancelUri(), "{\"taskId\":\"first\",\"attempt\":1}");
    assertThat(cancel.statusCode()).isEqualTo(202);

    awaitGone(programs);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 0);
    assertThat(invoke("second", 1, "english.png", null).statusCode()).isEqualTo(202);
    assertThat(callbacks).doesNotContainKey("first"); // a cancelled attempt is not called back
    assertCounts(health(), "running", 1, "capacity", 1, "accepted", 2, "busy", 1, "cancelled", 1);
  }

  @Test
  void itsSlotIsFreeWhenItCallsBackSoTheTaskAlgotaskHandsItOnIsTakenIn() throws Exception {
    server = new OcrServer(OcrSettings.parse(new String[] {"--port=0", "--capacity=1"}, Map.of()));

    assertThat(invoke("handoff", 1, "english.png", "eng").statusCode()).isEqualTo(202);

    // Algotask hands the slot on while the callback is being answered: the next task's invocation
    // then arrives before this job is over
    assertThat(handOffAnswer.get(30, TimeUnit.SECONDS)).isEqualTo(202);
    assertCounts(health(), "busy", 0);
  }

  /** The next task's invocation, as Algotask sends it on the callback's hand-off. */
  private int handOff() {
    try {
      return invoke("next", 1, "english.png", "eng").statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void withSigningKeysOnlySignedInvocationsAndCancelsAreTakenIn() throws Exception {
    String current = "current-signing-key-of-at-least-32-bytes";
    String previous = "previous-signing-key-still-accepted-now";
    server = new OcrServer(slowSettings("--signing-keys=k2:" + current + ",k1:" + previous));
    String body = invocation("signed", 1, "english.png", null);
    long now = Instant.now().getEpochSecond();

    assertRefused(post(invocationUri(), body), "SIGNATURE_MISSING");
    assertRefused(
        post(invocationUri(), body, HEADER, signature("k2", previous, now, body)),
        "SIGNATURE_MISMATCH");
    assertRefused(
        post(invocationUri(), body, HEADER, signature("k3", current, now, body)),
        "SIGNATURE_UNKNOWN_KEY");
    assertRefused(
        post(invocationUri(), body, HEADER, signature("k2", current, now - 301, body)),
        "SIGNATURE_EXPIRED");
    assertThat(server.running()).isZero();
    assertThat(inputsRead).isEmpty(); // no work started

    // during a rotation, either key is accepted
    HttpResponse<String> accepted =
        post(invocationUri(), body, HEADER, signature("k1", previous, now, body));
    assertThat(accepted.statusCode()).isEqualTo(202);
    List<ProcessHandle> programs = slowProgramsRunning();

    String cancel = "{\"taskId\":\"signed\",\"attempt\":1}";
    assertRefused(post(cancelUri(), cancel), "SIGNATURE_MISSING");
    assertThat(server.running()).isEqualTo(1);
    HttpResponse<String> cancelled =
        post(cancelUri(), cancel, HEADER, signature("k2", current, now, cancel));
    assertThat(cancelled.statusCode()).isEqualTo(202);
    assertThat(cancelled.body()).contains("\"cancelled\"");
    awaitGone(programs);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 0);
  }

  @Test
  void aProgramPastThePageTimeLimitIsDestroyedAndTheJobFails() throws Exception {
    server = new OcrServer(slowSettings("--page-timeout-seconds=1"));
    assertThat(invoke("slow", 1, "english.png", null).statusCode()).isEqualTo(202);
    List<ProcessHandle> programs = slowProgramsRunning();

    await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.containsKey("slow"));
    JsonNode callback = callbacks.get("slow");
    assertThat(callback.path("status").asString()).isEqualTo("FAILED");
    assertThat(callback.path("error").path("code").asString()).isEqualTo("PAGE_TIME_LIMIT");
    assertThat(callback.path("error").path("message").asString())
        .isEqualTo("page 1 took longer than 1 s");
    assertThat(callback.path("error").path("retryable").asBoolean()).isFalse();
    awaitGone(programs); // the program and the one it started
    await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 0);
  }

  @Test
  void theAttemptsDeadlineStopsTheRunningProgramWithoutACallback() throws Exception {
    server = new OcrServer(slowSettings());
    String body = invocation("late", 1, "english.png", null, Instant.now().plusSeconds(2));
    assertThat(post(invocationUri(), body).statusCode()).isEqualTo(202);
    List<ProcessHandle> programs = slowProgramsRunning();

    awaitGone(programs);
    await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 0);
    assertThat(callbacks).doesNotContainKey("late"); // the attempt is over on Algotask's side
    assertThat(outputs).doesNotContainKey("late");
  }

  private JsonNode health() throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  /** {@code namesAndCounts}: a counter's name, its expected count, the next name... */
  private static void assertCounts(JsonNode health, Object... namesAndCounts) {
    for (int i = 0; i < namesAndCounts.length; i += 2) {
      String name = (String) namesAndCounts[i];
      assertThat(health.has(name)).as(name).isTrue();
      assertThat(health.path(name).asLong())
          .as(name)
          .isEqualTo(((Integer) namesAndCounts[i + 1]).longValue());
    }
  }

  private static void assertRefused(HttpResponse<String> answer, String reason) {
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(answer.body()).path("error").asString()).isEqualTo(reason);
  }

  /**
   * Settings whose Tesseract never finishes: a shell that starts a {@code sleep} and waits for it,
   * each saying its pid.
   */
  private OcrSettings slowSettings(String... more) throws IOException {
    Path slowTesseract = work.resolve("slow-tesseract.sh");
    Files.writeString(
        slowTesseract,
        "#!/bin/sh\nsleep 60 &\necho $! > %s\necho $$ > %s\nwait\n"
            .formatted(work.resolve("child-pid"), work.resolve("pid")));
    Files.setPosixFilePermissions(slowTesseract, PosixFilePermissions.fromString("rwx------"));
    List<String> args = new ArrayList<>(List.of("--port=0", "--tesseract=" + slowTesseract));
    args.addAll(List.of(more));
    return OcrSettings.parse(args.toArray(String[]::new), Map.of());
  }

  /** The slow Tesseract's shell and its child, once both run. */
  private List<ProcessHandle> slowProgramsRunning() throws IOException {
    Path pid = work.resolve("pid");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pid) && Files.size(pid) > 0);
    List<ProcessHandle> programs = new ArrayList<>();
    for (Path file : List.of(pid, work.resolve("child-pid"))) {
      ProcessHandle program =
          ProcessHandle.of(Long.parseLong(Files.readString(file).strip())).get();
      assertThat(program.isAlive()).isTrue();
      programs.add(program);
    }
    return programs;
  }

  private static void awaitGone(List<ProcessHandle> programs) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> programs.stream().noneMatch(ProcessHandle::isAlive));
  }

  private URI cancelUri() {
    return URI.create("http://127.0.0.1:" + server.port() + OcrServer.CANCEL_PATH);
  }

  private static OcrSettings settings() {
    return OcrSettings.parse(new String[] {"--port=0"}, Map.of());
  }

  private HttpResponse<String> invoke(String taskId, int attempt, String input, String language)
      throws Exception {
    return post(invocationUri(), invocation(taskId, attempt, input, language));
  }

  private URI invocationUri() {
    return URI.create("http://127.0.0.1:" + server.port() + OcrServer.PATH);
  }

  private String invocation(String taskId, int attempt, String input, String language) {
    return invocation(taskId, attempt, input, language, Instant.now().plusSeconds(600));
  }

  private String invocation(
      String taskId, int attempt, String input, String language, Instant deadline) {
    String base = "http://127.0.0.1:" + stub.getAddress().getPort();
    String params = language == null ? "" : ",\"params\":{\"language\":\"" + language + "\"}";
    String body =
        """
        {"taskId":"%1$s","attempt":%2$d,"algorithm":"ocr","tenant":"acme"%3$s,
         "input":{"uri":"s3://docs/%4$s","url":"%5$s/input/%4$s"},
         "output":{"uri":"s3://results/results/acme/%1$s/attempt-%2$d","uploadUrl":"%5$s/output/%1$s",
                   "uploadUrlExpiresAt":"2026-12-06T10:17:00Z"},
         "callback":{"url":"%5$s/tasks/%1$s/callback","token":"token-%1$s"},
         "deadline":"%6$s"}
        """
            .formatted(taskId, attempt, params, input, base, deadline);
    return body;
  }

  private HttpResponse<String> post(URI uri, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The header Algotask signs a request with, signed at {@code signedAt}. */
  private static String signature(String keyId, String secret, long signedAt, String body) {
    return "t="
        + signedAt
        + ",kid="
        + keyId
        + ",v1="
        + RequestSignatures.signature(
            secret, Long.toString(signedAt), body.getBytes(StandardCharsets.UTF_8));
  }

  private static String name(HttpExchange exchange, String prefix) {
    return exchange.getRequestURI().getPath().substring(prefix.length());
  }

  private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
