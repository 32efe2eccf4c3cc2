package io.algotask.adapters.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TaskLogContextTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  @AfterEach
  void clear() {
    MDC.clear();
  }

  /** A line as Spring Boot's structured console logging writes it with the given format. */
  private static JsonNode jsonLine(String format, String message) {
    var context = (LoggerContext) LoggerFactory.getILoggerFactory();
    if (context.getObject(Environment.class.getName()) == null) {
      context.putObject(Environment.class.getName(), new StandardEnvironment());
    }
    var encoder = new StructuredLogEncoder();
    encoder.setContext(context);
    encoder.setFormat(format);
    encoder.start();
    var logger = context.getLogger(TaskLogContextTest.class);
    var event =
        new LoggingEvent(
            TaskLogContextTest.class.getName(), logger, Level.INFO, message, null, null);
    event.prepareForDeferredProcessing();
    var line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    encoder.stop();
    return JsonMapper.builder().build().readTree(line);
  }

  @Test
  void aJsonLineAboutATaskCarriesItsKeysAndTheTrace() {
    MDC.put("traceId", TRACE_ID); // as the tracing puts it
    JsonNode line;
    try (var logged = TaskLogContext.of("t-1", "ocr", 2)) {
      line = jsonLine("logstash", "attempt sent");
    }

    assertThat(line.path("message").asString()).isEqualTo("attempt sent");
    assertThat(line.path("taskId").asString()).isEqualTo("t-1");
    assertThat(line.path("workflowId").asString()).isEqualTo("task-t-1");
    assertThat(line.path("algorithm").asString()).isEqualTo("ocr");
    assertThat(line.path("attempt").asString()).isEqualTo("2");
    assertThat(line.path("traceId").asString()).isEqualTo(TRACE_ID);
  }

  @Test
  void closingPutsBackWhatTheThreadHadBefore() {
    try (var outer = TaskLogContext.of("outer", "ocr", 1)) {
      try (var inner = TaskLogContext.of("inner", null)) {
        assertThat(MDC.get(TaskLogContext.TASK_ID)).isEqualTo("inner");
        assertThat(MDC.get(TaskLogContext.ALGORITHM)).as("absent: not the outer one's").isNull();
      }
      assertThat(MDC.get(TaskLogContext.TASK_ID)).isEqualTo("outer");
      assertThat(MDC.get(TaskLogContext.ALGORITHM)).isEqualTo("ocr");
      assertThat(MDC.get(TaskLogContext.ATTEMPT)).isEqualTo("1");
    }

    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }
}
