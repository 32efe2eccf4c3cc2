package io.algotask.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /stats}: the counters of every algorithm seen; {@code POST /stats/reset}: zero them
 * (the peak restarts from the current running count) and answer the fresh counters.
 */
final class StatsEndpoint implements HttpHandler {
  private final StatsRegistry stats;
  private final HttpExchanges exchanges;

  StatsEndpoint(StatsRegistry stats, HttpExchanges exchanges) {
    this.stats = stats;
    this.exchanges = exchanges;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      switch (exchange.getRequestURI().getPath()) {
        case "/stats", "/stats/" -> {
          if (exchanges.requireMethod(exchange, "GET")) {
            exchanges.send(exchange, 200, Map.of("algorithms", stats.snapshotAll()));
          }
        }
        case "/stats/reset" -> {
          if (exchanges.requireMethod(exchange, "POST")) {
            stats.resetAll();
            exchanges.send(exchange, 200, Map.of("algorithms", stats.snapshotAll()));
          }
        }
        default -> exchanges.notFound(exchange);
      }
    } finally {
      exchange.close();
    }
  }
}
