package io.algotask.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /capacity}: the hidden capacity, {@code {"capacity": 8}} or {@code null} when
 * unlimited; {@code PUT /capacity} with the same body changes it for invocations from now on.
 */
final class CapacityEndpoint implements HttpHandler {
  static final String PATH = "/capacity";

  private final SampleAlgorithm algorithm;
  private final HttpExchanges exchanges;

  CapacityEndpoint(SampleAlgorithm algorithm, HttpExchanges exchanges) {
    this.algorithm = algorithm;
    this.exchanges = exchanges;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        exchanges.notFound(exchange);
      } else if ("PUT".equals(exchange.getRequestMethod())) {
        change(exchange);
      } else if (exchanges.requireMethod(exchange, "GET")) {
        exchanges.send(exchange, 200, capacity());
      }
    } finally {
      exchange.close();
    }
  }

  private void change(HttpExchange exchange) throws IOException {
    byte[] body = exchanges.readBody(exchange);
    Integer capacity;
    try {
      JsonNode node = body == null ? null : exchanges.json().readTree(body);
      JsonNode value = node == null ? null : node.get("capacity");
      if (value == null || !(value.isNull() || value.canConvertToInt() && value.intValue() >= 0)) {
        throw new IllegalArgumentException("capacity must be an integer >= 0, or null");
      }
      capacity = value.isNull() ? null : value.intValue();
    } catch (JacksonException | IllegalArgumentException e) {
      exchanges.send(exchange, 400, exchanges.error("INVALID_REQUEST", e.getMessage()));
      return;
    }
    synchronized (algorithm) {
      algorithm.update(algorithm.settings().toBuilder().capacity(capacity).build());
    }
    exchanges.send(exchange, 200, capacity());
  }

  private Map<String, Object> capacity() {
    Map<String, Object> answer = new HashMap<>(); // Map.of takes no null
    answer.put("capacity", algorithm.settings().capacity());
    return answer;
  }
}
