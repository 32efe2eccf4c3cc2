package io.algotask.activities;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An algorithm service on loopback. It answers each invocation with the next answer scripted, the
 * last one again and again (202 when none is), and keeps the bodies it was sent.
 */
final class AlgorithmService implements AutoCloseable {

  /**
   * One answer: a status with its Retry-After (or null) and body; a status of 0 drops the
   * connection without answering.
   */
  record Answer(int status, String retryAfter, String body) {
    static Answer of(int status) {
      return new Answer(status, null, "");
    }

    static Answer busy(int status, int retryAfterSeconds) {
      return new Answer(status, Integer.toString(retryAfterSeconds), "");
    }

    static final Answer NONE = new Answer(0, null, "");
  }

  final List<String> invocations = new CopyOnWriteArrayList<>();
  final List<String> cancels = new CopyOnWriteArrayList<>();

  /** The Algotask-Signature header of each invocation and cancel request, in arrival order. */
  final List<String> signatures = new CopyOnWriteArrayList<>();

  private final HttpServer server;
  private final Deque<Answer> script = new ArrayDeque<>(List.of(Answer.of(202)));

  private AlgorithmService(HttpServer server) {
    this.server = server;
  }

  static AlgorithmService start() throws IOException {
    var service = new AlgorithmService(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
    service.server.createContext("/invoke", service::invoke);
    service.server.createContext("/cancel", service::cancel);
    service.server.start();
    return service;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/invoke");
  }

  URI cancelEndpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cancel");
  }

  synchronized void answer(Answer... answers) {
    script.clear();
    script.addAll(List.of(answers));
  }

  private synchronized Answer next() {
    return script.size() > 1 ? script.poll() : script.peek();
  }

  private void invoke(HttpExchange exchange) throws IOException {
    signatures.add(String.valueOf(exchange.getRequestHeaders().getFirst("Algotask-Signature")));
    invocations.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    var answer = next();
    if (answer.status() == 0) {
      throw new IOException("dropped without an answer"); // the server closes the connection
    }
    if (answer.retryAfter() != null) {
      exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
    }
    var body = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private void cancel(HttpExchange exchange) throws IOException {
    signatures.add(String.valueOf(exchange.getRequestHeaders().getFirst("Algotask-Signature")));
    cancels.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    exchange.sendResponseHeaders(202, -1);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
