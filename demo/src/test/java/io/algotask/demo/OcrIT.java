package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.api.v1.TaskEvent;
import io.algotask.api.v1.TaskServiceGrpc;
import io.algotask.api.v1.WatchTaskRequest;
import io.algotask.demo.process.JavaProcess;
import io.algotask.ocr.CharacterAccuracy;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OCR algorithm service (algorithms/ocr) from its jar, behind both apps from theirs, over the
 * real stack: a business service uploads the sample documents to S3, submits them over Kafka, reads
 * each result and the recognised text it points to, and watches a PDF's pages go by. The service
 * has one slot and the algorithm three, so the service answers 429 whenever two tasks meet at it:
 * Algotask sends again without using an attempt. As in the local demo, the service checks the
 * signature of each invocation.
 */
class OcrIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String OCR_JAR = "algorithms/ocr/target/algotask-ocr-algorithm.jar";
  private static final String RUN = "ocr-it-" + UUID.randomUUID().toString().substring(0, 8);
  // registered by this run
  private static final String ALGORITHM = RUN + "-ocr";
  private static final int LIMIT = 3;
  private static final String CLIENT_KEY = SharedApps.CLIENT_KEY;
  // the local profile's invocation signing key, as id:secret
  private static final String INVOCATION_KEY =
      "dev-invocations-1:algotask-development-invocation-key-not-a-secret";
  private static final Duration RESULTS_WAIT = Duration.ofMinutes(2);
  private static final long CLASS_START = System.nanoTime();

  /**
   * The documents of the first batch, each with the language its task asks for (empty: none, the
   * service's default, English and Chinese at once).
   */
  private static final Map<String, String> BATCH =
      Map.of(
          "english.png", "eng",
          "chinese.png", "chi_sim",
          "invoice.png", "",
          "scan.png", "",
          "report.pdf", "eng",
          "truncated.png", "eng");

  /** What each image says, line by line. */
  private static final Map<String, List<String>> EXPECTED =
      Map.of(
          "english.png", io.algotask.ocr.SampleDocuments.ENGLISH,
          "chinese.png", io.algotask.ocr.SampleDocuments.CHINESE,
          "invoice.png", io.algotask.ocr.SampleDocuments.INVOICE,
          "scan.png", io.algotask.ocr.SampleDocuments.ENGLISH);

  private static final HttpClient http = HttpClient.newHttpClient();
  private static JavaProcess ocr;
  private static SharedApps apps;
  private static TaskTraffic traffic;
  private static ManagedChannel channel;

  /** The s3:// uri of each document, by file name. */
  private static final Map<String, String> documents = new HashMap<>();

  /** The result of each document of the first batch, by file name. */
  private static final Map<String, JsonNode> batch = new HashMap<>();

  @BeforeAll
  static void startEverythingAndRecogniseTheSamples() throws Exception {
    var ocrPort = JavaProcess.freePort();
    ocr =
        JavaProcess.jar("ocr", ROOT.resolve(OCR_JAR))
            .jvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
            .arguments(List.of("--port=" + ocrPort, "--capacity=1"))
            // it checks the signature of each invocation, as the local demo runs it
            .environment(Map.of("OCR_SIGNING_KEYS", INVOCATION_KEY))
            .log(Path.of("target", "ocr-it-service.log"))
            .readiness(new JavaProcess.Probe(ocrPort, "/health", JavaProcess::statusUp))
            .start();
    apps = SharedApps.get();
    var service = "http://127.0.0.1:" + ocrPort + "/ocr";
    apps.register(
        ALGORITHM,
        Map.of(
            "endpoint",
            service,
            "cancelEndpoint",
            service + "/cancel",
            "maxConcurrency",
            LIMIT,
            "maxAttempts",
            2,
            // a task waits at the service's one slot behind up to two others, each a few seconds
            "executionTimeoutSeconds",
            60));
    ocr.awaitReady(Duration.ofSeconds(30));
    traffic = apps.traffic();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", apps.grpcPort()).usePlaintext().build();
    uploadSamples();
    System.out.printf("OcrIT: ready in %.1f s%n", secondsSince(CLASS_START));

    var taskIds = new LinkedHashMap<String, String>();
    var requests = new ArrayList<Map<String, Object>>();
    BATCH.forEach(
        (document, language) -> {
          var taskId = RUN + "-" + document;
          taskIds.put(taskId, document);
          requests.add(request(taskId, document, language));
        });
    var submitted = System.nanoTime();
    traffic.submitAll(requests);
    var results = traffic.awaitResults(taskIds.keySet(), RESULTS_WAIT, r -> {});
    assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(taskIds.keySet());
    results.forEach((taskId, result) -> batch.put(taskIds.get(taskId), result));
    System.out.printf(
        "OcrIT: the %d documents recognised in %.1f s%n", BATCH.size(), secondsSince(submitted));
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (traffic != null) {
      traffic.close();
    }
    if (ocr != null) {
      ocr.close();
    }
    System.out.printf("OcrIT: %.1f s in all%n", secondsSince(CLASS_START));
  }

  // --- accuracy: each threshold a little under what this test measured (Tesseract 5.3.0) ---

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "english.png, 0.97", // measured: 1.000 (eng)
    "chinese.png, 0.97", // measured: 1.000 (chi_sim)
    "invoice.png, 0.97", // measured: 0.995 (eng+chi_sim, the default)
    "scan.png, 0.97" // measured: 0.994 (turned by two degrees, greyed, specked; the default)
  })
  void recognisesTheSample(String document, double threshold) throws Exception {
    var output = succeeded(batch.get(document));
    var asked = BATCH.get(document);
    assertThat(output.path("language").asString())
        .isEqualTo(asked.isEmpty() ? "eng+chi_sim" : asked);
    assertThat(output.path("pageCount").asInt()).isOne();
    var page = output.path("pages").get(0);
    assertThat(page.path("words")).as("the words, each with its box").isNotEmpty();
    var accuracy =
        CharacterAccuracy.of(
            String.join("\n", EXPECTED.get(document)), page.path("text").asString());
    System.out.printf(
        "OcrIT: %s in %s: accuracy %.3f%n", document, output.path("language").asString(), accuracy);
    assertThat(accuracy).isGreaterThan(threshold);
  }

  // --- a PDF page by page ---

  @Test
  void aPdfComesBackPageByPageAndItsProgressWasReportedInPageOrder() throws Exception {
    var result = batch.get("report.pdf");
    var output = succeeded(result);
    assertThat(output.path("pageCount").asInt()).isEqualTo(3);
    var pages = output.path("pages");
    assertThat(pages).hasSize(3);
    for (int i = 0; i < 3; i++) {
      var page = pages.get(i);
      assertThat(page.path("page").asInt()).isEqualTo(i + 1);
      var accuracy =
          CharacterAccuracy.of(
              String.join("\n", io.algotask.ocr.SampleDocuments.PDF_PAGES.get(i)),
              page.path("text").asString());
      System.out.printf("OcrIT: report.pdf page %d: accuracy %.3f%n", i + 1, accuracy);
      assertThat(accuracy)
          .as("page %d's text", i + 1)
          .isGreaterThan(0.97); // measured: 1.000 on each page
    }

    // the task's whole history, as a business service watches it
    var events = new ArrayList<TaskEvent>();
    grpc()
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .watchTask(
            WatchTaskRequest.newBuilder()
                .setTaskId(result.path("taskId").asString())
                .setAfterSequence(0)
                .build())
        .forEachRemaining(events::add); // ends with the task
    var reports = new ArrayList<String>();
    for (var event : events) {
      var progress = event.getTask().getProgress();
      var report = progress.getPercent() + "% " + progress.getMessage();
      if (!progress.getMessage().isEmpty() && !report.equals(last(reports))) {
        reports.add(report);
      }
    }
    assertThat(reports).containsExactly("33% page 1 of 3", "66% page 2 of 3", "100% page 3 of 3");
  }

  // --- bad input ---

  @Test
  void aCorruptFileFailsAtOnceWithTheServicesReasonAndTheServiceGoesOn() throws Exception {
    var result = batch.get("truncated.png");
    assertThat(result.path("status").asString()).as(result.toString()).isEqualTo("FAILED");
    assertThat(result.path("attempts").asInt()).as("not retryable: one attempt of two").isOne();
    assertThat(result.path("error").path("code").asString()).isEqualTo("ALGORITHM_ERROR");
    assertThat(result.path("error").path("message").asString())
        .as("the service's code and message")
        .contains("CORRUPT_FILE page 1 could not be decoded as an image: ");

    var later = RUN + "-after-the-corrupt-file";
    traffic.submit(request(later, "english.png", "eng"));
    var results = traffic.awaitResults(Set.of(later), RESULTS_WAIT, r -> {});
    assertThat(results).containsKey(later);
    succeeded(results.get(later));
  }

  // --- the service's capacity ---

  @Test
  void aBusyServicesAnswerUsesNoAttempt() throws Exception {
    var before = JSON.readTree(ocr.get("/health"));
    var taskIds = new ArrayList<String>();
    var requests = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < LIMIT; i++) {
      var taskId = RUN + "-at-once-" + i;
      taskIds.add(taskId);
      // the invoice in both languages takes over a second: long enough for the three to meet
      requests.add(request(taskId, "invoice.png", ""));
    }
    traffic.submitAll(requests);
    var results = traffic.awaitResults(Set.copyOf(taskIds), RESULTS_WAIT, r -> {});
    assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(taskIds);
    for (var result : results.values()) {
      succeeded(result);
      assertThat(result.path("attempts").asInt()).as(result.toString()).isOne();
    }
    assertThat(TestRecords.attemptsAmong(taskIds)).as("attempts recorded").isEqualTo(LIMIT);

    // The three met at the one slot: the service answered 429, and Algotask sent the same attempt
    // again until it was taken in, once each.
    var after = JSON.readTree(ocr.get("/health"));
    assertThat(count(after, "busy")).as("429 answers").isGreaterThan(count(before, "busy"));
    assertThat(count(after, "accepted") - count(before, "accepted"))
        .as("jobs the service took in")
        .isEqualTo(LIMIT);
    assertThat(taskIds.stream().map(OcrIT::historyOf))
        .as("the histories of the three tasks, as operators read them")
        .anySatisfy(history -> assertThat(history).contains("is busy (HTTP 429)"));
  }

  // --- the main job's driver ---

  @Test
  void theMainJobPrintsTheFirstRecognisedLineOfEachDocumentBesideItsWebUiLink() throws Exception {
    var samples = Path.of("target", "ocr-it-samples");
    var printed = new java.io.ByteArrayOutputStream();
    var console = System.out;
    int exitCode;
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      exitCode =
          DemoRunner.commandLine()
              .execute(
                  "--once",
                  "--algorithms=" + ALGORITHM,
                  "--requests-topic=" + apps.requestsTopic(),
                  "--results-topic=" + apps.resultsTopic(),
                  "--namespace=" + TestApps.TEMPORAL_NAMESPACE,
                  "--timeout-seconds=" + RESULTS_WAIT.toSeconds(),
                  samples.resolve("chinese.png").toString(),
                  samples.resolve("report.pdf").toString());
    } finally {
      System.setOut(console);
    }
    var output = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    console.print(output);

    assertThat(exitCode).as(output).isZero();
    assertThat(output)
        .contains(
            "chinese.png: \"" + io.algotask.ocr.SampleDocuments.CHINESE.get(0) + "\" (1 page)")
        .contains(
            "report.pdf: \""
                + io.algotask.ocr.SampleDocuments.PDF_PAGES.get(0).get(0)
                + "\" (3 pages)")
        .contains("http://127.0.0.1:8233/namespaces/" + TestApps.TEMPORAL_NAMESPACE + "/workflows/")
        .contains("2 of 2 tasks have their result (2 succeeded)");
  }

  // --- helpers ---

  private static Map<String, Object> request(String taskId, String document, String language) {
    var request = new LinkedHashMap<String, Object>();
    request.put("taskId", taskId);
    request.put("algorithm", ALGORITHM);
    request.put("tenant", "ocr-it");
    request.put("input", Map.of("uri", documents.get(document)));
    if (!language.isEmpty()) {
      request.put("params", Map.of("language", language));
    }
    request.put("metadata", Map.of("run", RUN));
    return request;
  }

  /** Renders the OCR service's samples, adds a truncated PNG, and puts them all into S3. */
  private static void uploadSamples() throws Exception {
    var dir = Path.of("target", "ocr-it-samples");
    var files = new ArrayList<>(io.algotask.ocr.SampleDocuments.writeAll(dir));
    var truncated = dir.resolve("truncated.png");
    Files.write(truncated, Arrays.copyOf(Files.readAllBytes(dir.resolve("english.png")), 100));
    files.add(truncated);
    try (var store = new DocumentStore(new StorageSettings())) {
      for (var file : files) {
        var name = file.getFileName().toString();
        documents.put(name, store.upload("ocr-it/" + RUN + "/" + name, file));
      }
    }
  }

  /** Checks that the result is a success with a JSON output, and reads that output from S3. */
  private static JsonNode succeeded(JsonNode result) throws Exception {
    assertThat(result.path("status").asString()).as(result.toString()).isEqualTo("SUCCEEDED");
    assertThat(result.path("output").path("contentType").asString()).isEqualTo("application/json");
    var url = result.path("output").path("url").asString();
    var response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** One of the counts of the OCR service's {@code GET /health}. */
  private static long count(JsonNode health, String name) {
    assertThat(health.path(name).isNumber()).as("%s in %s", name, health).isTrue();
    return health.path(name).asLong();
  }

  /** The task's workflow history as JSON, as an operator reads it in the Temporal Web UI. */
  private static String historyOf(String taskId) {
    var service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:7233").build());
    try {
      return WorkflowClient.newInstance(
              service,
              WorkflowClientOptions.newBuilder().setNamespace(TestApps.TEMPORAL_NAMESPACE).build())
          .fetchHistory("task-" + taskId)
          .toJson(false);
    } finally {
      service.shutdownNow();
    }
  }

  private static TaskServiceGrpc.TaskServiceBlockingStub grpc() {
    var headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + CLIENT_KEY);
    return TaskServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static String last(List<String> list) {
    return list.isEmpty() ? null : list.get(list.size() - 1);
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }
}
