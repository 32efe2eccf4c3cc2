package io.algotask.sample;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reading requests and writing JSON answers on the JDK's HTTP server. */
final class HttpExchanges {
  /** Far above any valid invocation (params are at most 64 KiB). */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final JsonMapper json;

  HttpExchanges(JsonMapper json) {
    this.json = json;
  }

  JsonMapper json() {
    return json;
  }

  /**
   * @return the body, or null when it is larger than {@link #MAX_BODY_BYTES}
   */
  byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      return body.length > MAX_BODY_BYTES ? null : body;
    }
  }

  ObjectNode object() {
    return json.createObjectNode();
  }

  ObjectNode error(String code, String message) {
    ObjectNode error = object();
    error.put("error", code);
    error.put("message", message);
    return error;
  }

  void send(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", body);
  }

  /** An RFC 9457 problem, with a machine-readable {@code code}. */
  void sendProblem(HttpExchange exchange, int status, String code, String detail)
      throws IOException {
    ObjectNode problem = object();
    problem.put("type", "about:blank");
    problem.put("title", status == 500 ? "Internal Server Error" : "HTTP " + status);
    problem.put("status", status);
    problem.put("detail", detail);
    problem.put("code", code);
    send(exchange, status, "application/problem+json", problem);
  }

  private void send(HttpExchange exchange, int status, String contentType, Object body)
      throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Answers 405 unless the request uses {@code method}. */
  boolean requireMethod(HttpExchange exchange, String method) throws IOException {
    if (method.equals(exchange.getRequestMethod())) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", method);
    send(exchange, 405, error("METHOD_NOT_ALLOWED", "use " + method));
    return false;
  }

  void notFound(HttpExchange exchange) throws IOException {
    send(exchange, 404, error("NOT_FOUND", "no such path: " + exchange.getRequestURI().getPath()));
  }
}
