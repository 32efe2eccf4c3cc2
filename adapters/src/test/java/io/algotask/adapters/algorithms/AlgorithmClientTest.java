package io.algotask.adapters.algorithms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a small local HTTP server that answers as an algorithm service might. */
class AlgorithmClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String BODY = "{\"taskId\":\"doc-42\",\"attempt\":1}";

  private final AlgorithmClient client =
      new AlgorithmClient(new InvocationSigner(InvocationSignerTest.signingWith("2026-12")));
  private final Map<String, String> received = new ConcurrentHashMap<>();
  private final CountDownLatch neverAnswered = new CountDownLatch(1);
  private HttpServer server;
  private ExecutorService handlers;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    handlers = Executors.newCachedThreadPool();
    server.setExecutor(handlers);
    server.createContext(
        "/accepting",
        exchange -> {
          received.put("method", exchange.getRequestMethod());
          received.put(
              "contentType", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
          received.put(
              "signature",
              String.valueOf(exchange.getRequestHeaders().getFirst(InvocationSigner.HEADER)));
          received.put(
              "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          answer(exchange, 202, null, "{\"queued\":true}");
        });
    server.createContext(
        "/throttling", exchange -> answer(exchange, 429, "3", "too many requests"));
    server.createContext("/unavailable", exchange -> answer(exchange, 503, null, "down"));
    server.createContext(
        "/unavailable-until-date",
        exchange -> answer(exchange, 503, "Wed, 21 Oct 2015 07:28:00 GMT", "down"));
    server.createContext(
        "/refusing", exchange -> answer(exchange, 422, null, "{\"error\":\"no such page\"}"));
    server.createContext("/failing", exchange -> answer(exchange, 500, null, "boom"));
    server.createContext("/verbose", exchange -> answer(exchange, 400, null, "x".repeat(1000)));
    server.createContext(
        "/silent",
        exchange -> {
          try {
            neverAnswered.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          answer(exchange, 202, null, "");
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    neverAnswered.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }

  private static void answer(HttpExchange exchange, int status, String retryAfter, String body)
      throws IOException {
    exchange.getRequestBody().readAllBytes();
    if (retryAfter != null) {
      exchange.getResponseHeaders().add("Retry-After", retryAfter);
    }
    var bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private URI endpoint(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private AlgorithmClient.Answer post(String path) throws Exception {
    return client.post(endpoint(path), BODY, TIMEOUT, Redaction.ofShapes());
  }

  @Test
  void a202IsAcceptedAndTheBodyWasPostedAsJson() throws Exception {
    var answer = post("/accepting");

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.accepted()).isTrue();
    assertThat(answer.busy()).isFalse();
    assertThat(answer.refused()).isFalse();
    assertThat(answer.retryAfter()).isEmpty();
    assertThat(answer.bodyExcerpt()).isEqualTo("{\"queued\":true}");
    assertThat(received)
        .containsEntry("method", "POST")
        .containsEntry("contentType", "application/json")
        .containsEntry("body", BODY);
    assertThat(InvocationSignerTest.verifies(received.get("signature"), BODY, "2026-12"))
        .as("signed: %s", received.get("signature"))
        .isTrue();
  }

  @Test
  void aCancelIsSignedToo() throws Exception {
    assertThat(client.cancel(endpoint("/accepting"), "doc-42", 2)).isTrue();

    var body = received.get("body");
    assertThat(body).isEqualTo("{\"taskId\":\"doc-42\",\"attempt\":2}");
    assertThat(InvocationSignerTest.verifies(received.get("signature"), body, "2026-12")).isTrue();
  }

  @Test
  void a429IsBusyAndCarriesItsRetryAfter() throws Exception {
    var answer = post("/throttling");

    assertThat(answer.status()).isEqualTo(429);
    assertThat(answer.busy()).isTrue();
    assertThat(answer.accepted()).isFalse();
    assertThat(answer.refused()).as("429 is a 4xx but not a refusal").isFalse();
    assertThat(answer.retryAfter()).contains(Duration.ofSeconds(3));
  }

  @Test
  void a503IsBusyWithoutARetryAfter() throws Exception {
    var answer = post("/unavailable");

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.busy()).isTrue();
    assertThat(answer.accepted()).isFalse();
    assertThat(answer.refused()).isFalse();
    assertThat(answer.retryAfter()).isEmpty();
  }

  @Test
  void aRetryAfterGivenAsADateIsTreatedAsAbsent() throws Exception {
    var answer = post("/unavailable-until-date");

    assertThat(answer.busy()).isTrue();
    assertThat(answer.retryAfter()).isEmpty();
  }

  @Test
  void a422IsARefusal() throws Exception {
    var answer = post("/refusing");

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.refused()).isTrue();
    assertThat(answer.accepted()).isFalse();
    assertThat(answer.busy()).isFalse();
    assertThat(answer.bodyExcerpt()).isEqualTo("{\"error\":\"no such page\"}");
  }

  @Test
  void a500IsNeitherAcceptedNorBusyNorARefusal() throws Exception {
    var answer = post("/failing");

    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.accepted()).isFalse();
    assertThat(answer.busy()).isFalse();
    assertThat(answer.refused()).isFalse();
    assertThat(answer.bodyExcerpt()).isEqualTo("boom");
  }

  @Test
  void aLongBodyIsCutToAnExcerpt() throws Exception {
    var answer = post("/verbose");

    assertThat(answer.bodyExcerpt()).isEqualTo("x".repeat(300) + "...");
  }

  @Test
  void retryAfterIsReadAsWholeSeconds() {
    assertThat(AlgorithmClient.parseRetryAfter("3")).contains(Duration.ofSeconds(3));
    assertThat(AlgorithmClient.parseRetryAfter(" 120 ")).contains(Duration.ofSeconds(120));
    assertThat(AlgorithmClient.parseRetryAfter("0")).contains(Duration.ZERO);
    assertThat(AlgorithmClient.parseRetryAfter("-1")).isEmpty();
    assertThat(AlgorithmClient.parseRetryAfter("1.5")).isEmpty();
    assertThat(AlgorithmClient.parseRetryAfter("soon")).isEmpty();
    assertThat(AlgorithmClient.parseRetryAfter("")).isEmpty();
  }

  @Test
  void anEndpointWhereNothingListensIsAnIOException() throws Exception {
    int port;
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    var nowhere = URI.create("http://127.0.0.1:" + port + "/algorithms/ocr");

    assertThatThrownBy(() -> client.post(nowhere, BODY, TIMEOUT, Redaction.ofShapes()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aServiceThatDoesNotAnswerInTimeIsAnIOException() {
    assertThatThrownBy(
            () ->
                client.post(
                    endpoint("/silent"), BODY, Duration.ofMillis(300), Redaction.ofShapes()))
        .isInstanceOf(HttpTimeoutException.class)
        .isInstanceOf(IOException.class);
  }
}
