package io.algotask.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;

/** {@code GET /health}: 200 {@code {"status":"UP"}} while the server runs; 404 elsewhere. */
final class HealthEndpoint implements HttpHandler {
  private final HttpExchanges exchanges;

  HealthEndpoint(HttpExchanges exchanges) {
    this.exchanges = exchanges;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      if (!exchange.getRequestURI().getPath().equals("/health")) {
        exchanges.notFound(exchange);
      } else if (exchanges.requireMethod(exchange, "GET")) {
        exchanges.send(exchange, 200, Map.of("status", "UP"));
      }
    } finally {
      exchange.close();
    }
  }
}
