package io.algotask.adapters.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Tracing as both apps configure it: off (nothing recorded) without an exporter, on with one; and
 * either way the logs' MDC names the current span under the keys the log formats print.
 */
class TracingConfigurationTest {

  @SpringBootConfiguration
  @ImportAutoConfiguration({
    OpenTelemetrySdkAutoConfiguration.class,
    OpenTelemetryTracingAutoConfiguration.class
  })
  @Import(TracingConfiguration.class)
  static class Tracing {}

  @SpringBootConfiguration
  @Import(Tracing.class)
  static class TracingWithAnExporter {
    @Bean
    InMemorySpanExporter spanExporter() {
      return InMemorySpanExporter.create();
    }
  }

  private static ConfigurableApplicationContext start(Class<?> configuration) {
    return new SpringApplicationBuilder(configuration)
        .web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off")
        .run();
  }

  @Test
  void withoutAnExporterNothingIsRecordedButTheIdsReachTheMdc() {
    try (var context = start(Tracing.class)) {
      var span =
          context.getBean(OpenTelemetry.class).getTracer("test").spanBuilder("s").startSpan();

      assertThat(span.isRecording()).isFalse();
      assertThat(span.getSpanContext().isValid()).isTrue();
      try (var scope = span.makeCurrent()) {
        assertThat(MDC.get("traceId")).isEqualTo(span.getSpanContext().getTraceId());
        assertThat(MDC.get("spanId")).isEqualTo(span.getSpanContext().getSpanId());
        assertThat(TraceContext.sampledTraceParent()).isNull();
      } finally {
        span.end();
      }
      assertThat(MDC.get("traceId")).isNull();
    }
  }

  @Test
  void withAnExporterEachNewTraceIsRecordedAndExported() {
    try (var context = start(TracingWithAnExporter.class)) {
      var span =
          context.getBean(OpenTelemetry.class).getTracer("test").spanBuilder("s").startSpan();
      try (var scope = span.makeCurrent()) {
        assertThat(span.isRecording()).isTrue();
        assertThat(MDC.get("traceId")).isEqualTo(span.getSpanContext().getTraceId());
        assertThat(TraceContext.sampledTraceParent())
            .isEqualTo(
                "00-"
                    + span.getSpanContext().getTraceId()
                    + "-"
                    + span.getSpanContext().getSpanId()
                    + "-01");
      } finally {
        span.end();
      }
      context
          .getBean(SdkTracerProvider.class)
          .forceFlush()
          .join(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems())
          .extracting(exported -> exported.getName())
          .containsExactly("s");
    }
  }
}
