package io.algotask.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /algorithms/{name}}: an invocation (contract section 3); {@code POST
 * /algorithms/{name}/cancel}: a cancel of one attempt.
 */
final class AlgorithmEndpoint implements HttpHandler {
  static final String PATH = "/algorithms/";
  private static final System.Logger LOG = System.getLogger(AlgorithmEndpoint.class.getName());

  private final SampleAlgorithm algorithm;
  private final HttpExchanges exchanges;

  AlgorithmEndpoint(SampleAlgorithm algorithm, HttpExchanges exchanges) {
    this.algorithm = algorithm;
    this.exchanges = exchanges;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      String[] segments = exchange.getRequestURI().getPath().substring(PATH.length()).split("/");
      if (segments.length == 1 && !segments[0].isEmpty()) {
        if (exchanges.requireMethod(exchange, "POST")) {
          invoke(exchange, segments[0]);
        }
      } else if (segments.length == 2 && !segments[0].isEmpty() && segments[1].equals("cancel")) {
        if (exchanges.requireMethod(exchange, "POST")) {
          cancel(exchange, segments[0]);
        }
      } else {
        exchanges.notFound(exchange);
      }
    } catch (RuntimeException bug) {
      LOG.log(Level.ERROR, "request " + exchange.getRequestURI() + " broke down", bug);
      exchanges.send(exchange, 500, exchanges.error("INTERNAL_ERROR", String.valueOf(bug)));
    } finally {
      exchange.close();
    }
  }

  private void invoke(HttpExchange exchange, String name) throws IOException {
    AlgorithmCounters counters = algorithm.stats().forAlgorithm(name);
    counters.received.incrementAndGet();
    Invocation invocation;
    try {
      invocation = Invocation.from(readJson(exchange));
    } catch (InvalidInvocationException e) {
      counters.invalid.incrementAndGet();
      ObjectNode error = exchanges.error("INVALID_REQUEST", e.getMessage());
      error.put("field", e.field());
      exchanges.send(exchange, 400, error);
      return;
    }
    TimingLog.received(name, invocation.key());

    switch (algorithm.admit(name, invocation)) {
      case ACCEPTED -> exchanges.send(exchange, 202, accepted(invocation, false));
      case DUPLICATE -> exchanges.send(exchange, 202, accepted(invocation, true));
      case BUSY -> {
        exchange.getResponseHeaders().set("Retry-After", "1");
        exchanges.send(
            exchange, 429, exchanges.error("BUSY", "busy, try again later (busyRate or capacity)"));
      }
      case SERVER_ERROR ->
          exchanges.sendProblem(
              exchange,
              500,
              "SERVER_ERROR",
              "the sample algorithm failed to take the request (serverErrorRate)");
      case REFUSED ->
          exchanges.send(
              exchange,
              422,
              exchanges.error("REFUSED", "the sample algorithm refuses this task (refusalRate)"));
    }
  }

  private void cancel(HttpExchange exchange, String name) throws IOException {
    AttemptKey key;
    try {
      JsonNode body = readJson(exchange);
      JsonNode taskId = body.path("taskId");
      JsonNode attempt = body.path("attempt");
      if (!taskId.isString() || taskId.stringValue().isBlank()) {
        throw new InvalidInvocationException("taskId", "taskId is required");
      }
      if (!attempt.isIntegralNumber() || !attempt.canConvertToInt() || attempt.intValue() < 1) {
        throw new InvalidInvocationException("attempt", "attempt must be an integer >= 1");
      }
      key = new AttemptKey(taskId.stringValue(), attempt.intValue());
    } catch (InvalidInvocationException e) {
      ObjectNode error = exchanges.error("INVALID_REQUEST", e.getMessage());
      error.put("field", e.field());
      exchanges.send(exchange, 400, error);
      return;
    }
    if (algorithm.cancel(name, key)) {
      ObjectNode cancelled = exchanges.object();
      cancelled.put("taskId", key.taskId());
      cancelled.put("attempt", key.attempt());
      cancelled.put("status", "CANCELLED");
      exchanges.send(exchange, 202, cancelled);
    } else {
      exchanges.send(
          exchange,
          404,
          exchanges.error(
              "NOT_RUNNING",
              "attempt " + key.attempt() + " of task " + key.taskId() + " is not running here"));
    }
  }

  private JsonNode readJson(HttpExchange exchange) throws IOException, InvalidInvocationException {
    byte[] body = exchanges.readBody(exchange);
    if (body == null) {
      throw new InvalidInvocationException(
          "body", "the body is larger than " + HttpExchanges.MAX_BODY_BYTES + " bytes");
    }
    try {
      JsonNode node = exchanges.json().readTree(body);
      if (node == null || !node.isObject()) {
        throw new InvalidInvocationException("body", "the body must be a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new InvalidInvocationException(
          "body", "the body is not JSON: " + e.getOriginalMessage());
    }
  }

  private ObjectNode accepted(Invocation invocation, boolean duplicate) {
    ObjectNode accepted = exchanges.object();
    accepted.put("taskId", invocation.taskId());
    accepted.put("attempt", invocation.attempt());
    accepted.put("status", "ACCEPTED");
    if (duplicate) {
      accepted.put("duplicate", true);
    }
    return accepted;
  }
}
