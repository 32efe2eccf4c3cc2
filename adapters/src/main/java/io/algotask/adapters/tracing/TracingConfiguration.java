package io.algotask.adapters.tracing;

import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tracing costs next to nothing unless spans go somewhere. With no exporter (no {@code
 * management.opentelemetry.tracing.export.otlp.endpoint}, the default) no span is recorded: spans
 * are non-recording, so trace ids still travel on headers and in the logs' MDC ({@code traceId},
 * {@code spanId}) but nothing is collected, batched or sent. With an exporter, a trace is recorded
 * when its caller's {@code traceparent} says sampled, and a new trace with {@code
 * management.tracing.sampling.probability}.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

  @Bean
  Sampler otelSampler(
      ObjectProvider<SpanExporter> exporters,
      @Value("${management.tracing.sampling.probability:1.0}") double probability) {
    if (exporters.stream().findAny().isEmpty()) {
      return Sampler.alwaysOff();
    }
    return Sampler.parentBased(Sampler.traceIdRatioBased(probability));
  }
}
