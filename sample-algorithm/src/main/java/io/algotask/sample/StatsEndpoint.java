package io.algotask.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /stats}: the hidden capacity ({@code null}: unlimited) and the counters of every
 * algorithm seen; {@code POST /stats/reset}: zero them (the peak restarts from the current running
 * count) and answer the fresh counters.
 */
final class StatsEndpoint implements HttpHandler {
  private final SampleAlgorithm algorithm;
  private final StatsRegistry stats;
  private final HttpExchanges exchanges;

  StatsEndpoint(SampleAlgorithm algorithm, HttpExchanges exchanges) {
    this.algorithm = algorithm;
    this.stats = algorithm.stats();
    this.exchanges = exchanges;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      switch (exchange.getRequestURI().getPath()) {
        case "/stats", "/stats/" -> {
          if (exchanges.requireMethod(exchange, "GET")) {
            exchanges.send(exchange, 200, snapshot());
          }
        }
        case "/stats/reset" -> {
          if (exchanges.requireMethod(exchange, "POST")) {
            stats.resetAll();
            exchanges.send(exchange, 200, snapshot());
          }
        }
        default -> exchanges.notFound(exchange);
      }
    } finally {
      exchange.close();
    }
  }

  private Map<String, Object> snapshot() {
    Map<String, Object> snapshot = new LinkedHashMap<>(); // Map.of takes no null capacity
    snapshot.put("capacity", algorithm.settings().capacity());
    snapshot.put("algorithms", stats.snapshotAll());
    return snapshot;
  }
}
