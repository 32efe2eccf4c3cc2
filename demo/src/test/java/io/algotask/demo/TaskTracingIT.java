package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.algotask.demo.process.JavaProcess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One task's trace across the processes it passes through: a request record with a {@code
 * traceparent} header, api-app's intake, the workflow in worker-app with its steps, the
 * invocation's POST (which carries the trace on), the algorithm's callback (which does not) and the
 * result record. Both apps run from their jars and export over OTLP/HTTP to a receiver in this
 * test; the algorithm fails the first attempt (retryable) and succeeds the second.
 */
class TaskTracingIT {
  private static final String RUN = "trace-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String ALGORITHM = RUN + "-ocr";
  private static final String REQUESTS = TestApps.requestsTopic(RUN);
  private static final String RESULTS = TestApps.resultsTopic(RUN);
  private static final String KAFKA = "127.0.0.1:9092";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The business service's span: the request record's traceparent names it. */
  private static final String TRACE_ID = HexFormat.of().formatHex(randomBytes(16));

  private static final String CALLER_SPAN_ID = HexFormat.of().formatHex(randomBytes(8));

  /** A span as an app exported it. */
  record ExportedSpan(
      String service,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      List<String> linkedSpanIds) {}

  /** What the algorithm service was sent: the traceparent header and the body of each POST. */
  record Invocation(String traceParent, JsonNode body) {}

  private static final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
  private static final List<Invocation> invocations = new CopyOnWriteArrayList<>();
  private static final HttpClient http = HttpClient.newHttpClient();

  private static HttpServer receiver;
  private static HttpServer algorithm;
  private static TestApps.Apps apps;

  @BeforeAll
  static void start() throws Exception {
    receiver = otlpReceiver();
    algorithm = algorithmService();
    var apiPort = JavaProcess.freePort();
    var common = TestApps.runArguments(RUN, apiPort);
    common.addAll(
        List.of(
            "--algotask.algorithms." + ALGORITHM + ".endpoint=" + urlOf(algorithm, "/invoke"),
            "--algotask.algorithms." + ALGORITHM + ".max-concurrency=1",
            "--management.opentelemetry.tracing.export.otlp.endpoint="
                + urlOf(receiver, "/v1/traces"),
            "--management.opentelemetry.tracing.export.schedule-delay=100ms"));
    apps = TestApps.startBoth("trace", RUN, apiPort, JavaProcess.freePort(), common, List.of());
  }

  @AfterAll
  static void stop() throws Exception {
    // for whoever reads the trace: each span under its parent, and what it links to
    var tree = new StringBuilder();
    spans.stream()
        .filter(span -> spanWithId(span.parentSpanId()) == null)
        .forEach(root -> print(root, 0, tree));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "trace-tree.txt"), tree);
    if (apps != null) {
      apps.api().close();
      apps.worker().close();
    }
    for (var server : new HttpServer[] {receiver, algorithm}) {
      if (server != null) {
        server.stop(0);
      }
    }
  }

  @Test
  void aTaskIsOneTraceFromItsRequestRecordToItsResultRecord() throws Exception {
    var taskId = RUN + "-1";
    var result = submitAndAwaitResult(taskId);
    assertThat(JSON.readTree(result.value()).path("status").asString()).isEqualTo("SUCCEEDED");

    // on the wire: each POST and the result record carry the task's trace on
    assertThat(invocations).hasSize(2);
    assertThat(invocations).allMatch(sent -> traceIdOf(sent.traceParent()).equals(TRACE_ID));
    var resultTraceParent = headerOf(result, "traceparent");
    assertThat(traceIdOf(resultTraceParent)).isEqualTo(TRACE_ID);

    // in the exported spans: intake in api-app under the record's span, the workflow in worker-app
    // under its start, each send the parent of its POST's traceparent and of the callback
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> named("task callback").size() == 2 && spanOf(resultTraceParent) != null);
    var intake = only("task intake");
    assertThat(intake.service()).isEqualTo("algotask-api");
    assertThat(intake.traceId()).isEqualTo(TRACE_ID);
    assertThat(intake.parentSpanId()).isEqualTo(CALLER_SPAN_ID);
    var start = only("StartWorkflow:AlgorithmTaskWorkflow");
    assertThat(start.parentSpanId()).isEqualTo(intake.spanId());
    var run = only("RunWorkflow:AlgorithmTaskWorkflow");
    assertThat(run.service()).isEqualTo("algotask-worker");
    assertThat(run.parentSpanId()).isEqualTo(start.spanId());

    var sends = invocations.stream().map(sent -> spanOf(sent.traceParent())).toList();
    assertThat(sends)
        .extracting(ExportedSpan::name, ExportedSpan::service)
        .containsOnly(tuple("RunActivity:AlgorithmInvoke", "algotask-worker"));
    assertThat(sends).allMatch(send -> TRACE_ID.equals(send.traceId()));
    var callbacks = named("task callback");
    assertThat(callbacks)
        .extracting(ExportedSpan::parentSpanId)
        .containsExactlyInAnyOrderElementsOf(sends.stream().map(ExportedSpan::spanId).toList());
    // the callback's HTTP request came without a traceparent: a trace of its own, linked
    for (var callback : callbacks) {
      assertThat(callback.service()).isEqualTo("algotask-api");
      assertThat(callback.linkedSpanIds()).hasSize(1);
      var request = spanWithId(callback.linkedSpanIds().get(0));
      assertThat(request.name()).startsWith("http post");
      assertThat(request.traceId()).isNotEqualTo(TRACE_ID);
    }
    var end = spanOf(resultTraceParent);
    assertThat(end.name()).isEqualTo("RunActivity:TaskEndAndPublish");
    assertThat(end.traceId()).isEqualTo(TRACE_ID);
  }

  private static void print(ExportedSpan span, int depth, StringBuilder out) {
    out.append("  ".repeat(depth))
        .append(span.name())
        .append(" [")
        .append(span.service())
        .append(' ')
        .append(span.traceId(), 0, 8)
        .append(span.linkedSpanIds().isEmpty() ? "" : ", links " + span.linkedSpanIds())
        .append("]\n");
    spans.stream()
        .filter(child -> child.parentSpanId().equals(span.spanId()))
        .forEach(child -> print(child, depth + 1, out));
  }

  private static ConsumerRecord<String, String> submitAndAwaitResult(String taskId)
      throws Exception {
    var consumerSettings = new Properties();
    consumerSettings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
    consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    var producerSettings = new Properties();
    producerSettings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
    try (var consumer =
            new KafkaConsumer<>(
                consumerSettings, new StringDeserializer(), new StringDeserializer());
        var producer =
            new KafkaProducer<>(producerSettings, new StringSerializer(), new StringSerializer())) {
      var partitions =
          consumer.partitionsFor(RESULTS, Duration.ofSeconds(30)).stream()
              .map(info -> new TopicPartition(RESULTS, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);

      var request =
          JSON.writeValueAsString(
              Map.of(
                  "taskId", taskId, "algorithm", ALGORITHM, "tenant", "trace", "maxAttempts", 2));
      var record = new ProducerRecord<>(REQUESTS, taskId, request);
      record
          .headers()
          .add(
              "traceparent",
              ("00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01").getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();

      var deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (var result : consumer.poll(Duration.ofMillis(200))) {
          if (taskId.equals(result.key())) {
            return result;
          }
        }
      }
      throw new AssertionError("no result for " + taskId);
    }
  }

  /**
   * The algorithm: answers 202 and calls back without a traceparent of ours, FAILED (retryable) for
   * attempt 1, SUCCEEDED for attempt 2.
   */
  private static HttpServer algorithmService() throws IOException {
    var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    var callbacks = Executors.newSingleThreadExecutor();
    server.createContext(
        "/invoke",
        exchange -> {
          var body = JSON.readTree(exchange.getRequestBody().readAllBytes());
          invocations.add(
              new Invocation(exchange.getRequestHeaders().getFirst("traceparent"), body));
          answer(exchange, 202, "{}".getBytes(StandardCharsets.UTF_8));
          callbacks.execute(() -> callBack(body));
        });
    server.start();
    return server;
  }

  private static void callBack(JsonNode invocation) {
    var attempt = invocation.path("attempt").asInt();
    var report =
        attempt == 1
            ? Map.of(
                "attempt",
                attempt,
                "status",
                "FAILED",
                "error",
                Map.of("code", "OCR_ENGINE", "message", "page 3 unreadable", "retryable", true))
            : Map.of("attempt", attempt, "status", "SUCCEEDED");
    try {
      var response =
          http.send(
              HttpRequest.newBuilder(URI.create(invocation.path("callback").path("url").asString()))
                  .header(
                      "Authorization",
                      "Bearer " + invocation.path("callback").path("token").asString())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(report)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An OTLP/HTTP (protobuf) receiver of spans. */
  private static HttpServer otlpReceiver() throws IOException {
    var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    var hex = HexFormat.of();
    server.createContext(
        "/v1/traces",
        exchange -> {
          var request = ExportTraceServiceRequest.parseFrom(exchange.getRequestBody());
          for (var resourceSpans : request.getResourceSpansList()) {
            var service =
                resourceSpans.getResource().getAttributesList().stream()
                    .filter(attribute -> attribute.getKey().equals("service.name"))
                    .map(attribute -> attribute.getValue().getStringValue())
                    .findFirst()
                    .orElse(null);
            for (var scopeSpans : resourceSpans.getScopeSpansList()) {
              for (var span : scopeSpans.getSpansList()) {
                spans.add(
                    new ExportedSpan(
                        service,
                        hex.formatHex(span.getTraceId().toByteArray()),
                        hex.formatHex(span.getSpanId().toByteArray()),
                        hex.formatHex(span.getParentSpanId().toByteArray()),
                        span.getName(),
                        span.getLinksList().stream()
                            .map(link -> hex.formatHex(link.getSpanId().toByteArray()))
                            .toList()));
              }
            }
          }
          exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          answer(exchange, 200, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
        });
    server.start();
    return server;
  }

  private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String urlOf(HttpServer server, String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static List<ExportedSpan> named(String name) {
    return spans.stream()
        .filter(span -> span.name().equals(name) && span.traceId().equals(TRACE_ID))
        .toList();
  }

  private static ExportedSpan only(String name) {
    var found = named(name);
    assertThat(found).as(name + " in " + spans).hasSize(1);
    return found.get(0);
  }

  private static ExportedSpan spanWithId(String spanId) {
    return spans.stream().filter(span -> span.spanId().equals(spanId)).findFirst().orElse(null);
  }

  /** The span a traceparent names as the parent, once exported. */
  private static ExportedSpan spanOf(String traceParent) {
    return spanWithId(traceParent.split("-")[2]);
  }

  private static String traceIdOf(String traceParent) {
    assertThat(traceParent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    return traceParent.split("-")[1];
  }

  private static String headerOf(ConsumerRecord<String, String> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int length) {
    var bytes = new byte[length];
    new java.security.SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
