package io.algotask.adapters.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

/**
 * The spans Algotask opens itself, where no instrumentation does: a task's intake from a Kafka
 * record and its callback. Temporal's interceptors open the workflow's and its steps' spans, Spring
 * the HTTP and gRPC servers'.
 */
@Component
public class TaskSpans {
  public static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("algotask.task.id");
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("algotask.task.attempt");

  private static final AttributeKey<String> MESSAGING_SYSTEM =
      AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");

  /** Spans that no one sees: for code run without tracing, as in unit tests. */
  public static final TaskSpans NONE = new TaskSpans(OpenTelemetry.noop());

  private final Tracer tracer;

  public TaskSpans(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("io.algotask");
  }

  /**
   * The start of a task's trace at a request record: a child of the record's {@code traceparent}
   * when it has one, else a new trace.
   */
  public Span intake(ConsumerRecord<?, ?> record) {
    return tracer
        .spanBuilder("task intake")
        .setSpanKind(SpanKind.CONSUMER)
        .setParent(TraceContext.extract(Context.root(), record.headers()))
        .setAttribute(MESSAGING_SYSTEM, "kafka")
        .setAttribute(DESTINATION, record.topic())
        .startSpan();
  }

  /**
   * An algorithm's callback that decided its attempt, in the task's trace: a child of the attempt's
   * first send (its {@code traceparent} as recorded with the attempt), linked to the span current
   * now (the callback's HTTP request, in whatever trace the algorithm sent). The algorithm need not
   * pass our trace on: the record knows it, and reading it costs nothing more than the
   * compare-and-set the callback makes anyway. Without a recorded send (tracing was off), the
   * current span is its parent.
   */
  public Span callback(String sendTraceParent, String taskId, int attempt) {
    var builder = tracer.spanBuilder("task callback").setAttribute(TASK_ID, taskId);
    builder.setAttribute(ATTEMPT, (long) attempt);
    if (sendTraceParent != null) {
      builder
          .setParent(TraceContext.fromTraceParent(sendTraceParent))
          .addLink(Span.current().getSpanContext());
    }
    return builder.startSpan();
  }
}
