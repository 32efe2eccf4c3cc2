package io.algotask.adapters.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A task's trace across the processes it passes through, as W3C trace context ({@code traceparent}
 * and {@code tracestate}): read from a request record's headers, written on the invocation's POST
 * and on the result record. With tracing off the current span is a non-recording one, whose ids
 * still travel; without any span nothing is written.
 */
public final class TraceContext {
  /** The W3C header that carries a trace's id and its parent span's. */
  public static final String TRACEPARENT = "traceparent";

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapSetter<Headers> KAFKA_SETTER =
      (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
      };

  private static final TextMapGetter<Headers> KAFKA_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          return StreamSupport.stream(headers.spliterator(), false).map(Header::key).toList();
        }

        @Override
        public String get(Headers headers, String key) {
          var header = headers == null ? null : headers.lastHeader(key);
          return header == null || header.value() == null
              ? null
              : new String(header.value(), StandardCharsets.UTF_8);
        }
      };

  private static final TextMapGetter<Map<String, String>> MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private TraceContext() {}

  /** Writes the current span's context into a Kafka record's headers. */
  public static void inject(Headers headers) {
    W3C.inject(Context.current(), headers, KAFKA_SETTER);
  }

  /** Writes the current span's context into an HTTP request's headers. */
  public static void inject(HttpRequest.Builder request) {
    W3C.inject(Context.current(), request, HttpRequest.Builder::header);
  }

  /** The context a Kafka record's headers carry over {@code parent}, or {@code parent}. */
  public static Context extract(Context parent, Headers headers) {
    return W3C.extract(parent, headers, KAFKA_GETTER);
  }

  /** The current span's {@code traceparent} when it is recorded (sampled), else null. */
  public static String sampledTraceParent() {
    var span = Span.current().getSpanContext();
    if (!span.isValid() || !span.isSampled()) {
      return null;
    }
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
  }

  /** The context a stored {@code traceparent} names, over the root context; root when null. */
  public static Context fromTraceParent(String traceParent) {
    return traceParent == null
        ? Context.root()
        : W3C.extract(Context.root(), Map.of(TRACEPARENT, traceParent), MAP_GETTER);
  }
}
