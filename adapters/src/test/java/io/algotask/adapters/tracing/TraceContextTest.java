package io.algotask.adapters.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** A trace's W3C context on Kafka headers and HTTP requests, read and written. */
class TraceContextTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static final SpanContext SPAN =
      SpanContext.createFromRemoteParent(
          "4bf92f3577b34da6a3ce929d0e0e4736",
          "00f067aa0ba902b7",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  @Test
  void aRecordsTraceparentIsReadAsTheParent() {
    var headers = new RecordHeaders();
    headers.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));

    var parent = Span.fromContext(TraceContext.extract(Context.root(), headers)).getSpanContext();

    assertThat(parent).isEqualTo(SPAN);
  }

  @Test
  void aRecordWithoutOneLeavesTheParentAsItWas() {
    var parent = TraceContext.extract(Context.root(), new RecordHeaders());

    assertThat(Span.fromContext(parent).getSpanContext().isValid()).isFalse();
  }

  @Test
  void theCurrentSpanIsWrittenOnRecordsOnceAndOnRequests() {
    var headers = new RecordHeaders();
    headers.add("traceparent", "00-an-earlier-one".getBytes(StandardCharsets.UTF_8));
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/invoke"));

    try (var scope = Span.wrap(SPAN).makeCurrent()) {
      TraceContext.inject(headers);
      TraceContext.inject(request);
    }

    assertThat(headers.headers("traceparent"))
        .extracting(header -> new String(header.value(), StandardCharsets.UTF_8))
        .containsExactly(TRACEPARENT);
    assertThat(request.build().headers().firstValue("traceparent")).hasValue(TRACEPARENT);
  }

  @Test
  void withoutASpanNothingIsWritten() {
    var headers = new RecordHeaders();
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/invoke"));

    TraceContext.inject(headers);
    TraceContext.inject(request);

    assertThat(headers.toArray()).isEmpty();
    assertThat(request.build().headers().map()).doesNotContainKey("traceparent");
    assertThat(TraceContext.sampledTraceParent()).isNull();
  }

  @Test
  void aStoredTraceparentNamesItsSpan() {
    assertThat(Span.fromContext(TraceContext.fromTraceParent(TRACEPARENT)).getSpanContext())
        .isEqualTo(SPAN);
    assertThat(Span.fromContext(TraceContext.fromTraceParent(null)).getSpanContext().isValid())
        .isFalse();
  }
}
