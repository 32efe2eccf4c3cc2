package io.algotask.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The main job's driver: uploads the documents it is given, submits tasks over Kafka and prints
 * each result as it arrives (for OCR, its first recognised line), with a link to the task in the
 * Temporal Web UI. With {@code --once} it exits 0 once every task has its result and 1 if the
 * timeout passes first; otherwise it keeps printing results until stopped (Ctrl-C).
 */
@Command(
    name = "algotask-demo",
    customSynopsis = "java -jar algotask-demo.jar [--once] [--key=value ...] FILE...",
    description = {
      "",
      "Uploads the documents to S3, submits a task for each over Kafka and prints each result as"
          + " it arrives (for OCR: the first recognised line), with a link to the task in the"
          + " Temporal Web UI. Bad arguments exit 2.",
      "",
      "Settings (defaults: the local stack's):"
    },
    sortOptions = false,
    usageHelpWidth = 100)
public final class DemoRunner implements Callable<Integer> {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final DateTimeFormatter RUN_ID =
      DateTimeFormatter.ofPattern("MMddHHmmss").withZone(java.time.ZoneOffset.UTC);

  @Mixin private DemoSettings settings = new DemoSettings();
  @Spec private CommandSpec spec;

  @Mixin private HelpOption help = new HelpOption();

  private DemoRunner() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The demo's command line: exit code 2 on bad arguments, 0 after {@code --help}. */
  static CommandLine commandLine() {
    return new CommandLine(new DemoRunner());
  }

  @Override
  public Integer call() {
    settings.check(spec.commandLine());
    return run(settings);
  }

  static int run(DemoSettings settings) {
    var runId = RUN_ID.format(Instant.now());
    try (var store = new DocumentStore(settings.storage())) {
      var documents = upload(store, settings.files(), "demo/" + runId + "/");
      say(
          "uploaded %d documents to s3://%s/demo/%s/",
          documents.size(), settings.storage().inputBucket(), runId);
      var requests = new ArrayList<Map<String, Object>>();
      var fileOfTask = new HashMap<String, String>();
      for (int i = 1; i <= settings.tasks(); i++) {
        var document = documents.get((i - 1) % documents.size());
        var taskId = "demo-" + runId + "-" + i;
        var request = new LinkedHashMap<String, Object>();
        request.put("taskId", taskId);
        request.put("algorithm", settings.algorithms().get((i - 1) % settings.algorithms().size()));
        request.put("tenant", i % 2 == 0 ? "acme" : "globex");
        request.put("priority", 1 + (i % 5));
        request.put("input", Map.of("uri", document.uri()));
        request.put("metadata", Map.of("demoRun", runId, "file", document.name()));
        requests.add(request);
        fileOfTask.put(taskId, document.name());
      }
      var printer = new ResultPrinter(settings, store, fileOfTask);
      return submitAndPrint(settings, requests, printer);
    }
  }

  /** A file as uploaded: its name (unique within the run) and its {@code s3://} uri. */
  private record Document(String name, String uri) {}

  private static List<Document> upload(DocumentStore store, List<Path> files, String prefix) {
    var documents = new ArrayList<Document>();
    var names = new HashSet<String>();
    for (var file : files) {
      var name = file.getFileName().toString();
      if (!names.add(name)) {
        name = documents.size() + 1 + "-" + name; // two files of one name, from two folders
        names.add(name);
      }
      documents.add(new Document(name, store.upload(prefix + name, file)));
    }
    return documents;
  }

  private static int submitAndPrint(
      DemoSettings settings, List<Map<String, Object>> requests, ResultPrinter printer) {
    try (var traffic =
        new TaskTraffic(
            settings.bootstrapServers(), settings.requestsTopic(), settings.resultsTopic())) {
      var taskIds = new LinkedHashSet<String>();
      requests.forEach(r -> taskIds.add((String) r.get("taskId")));
      traffic.submitAll(requests);
      say(
          "submitted %d tasks to %s; results as they arrive:",
          requests.size(), settings.requestsTopic());
      var results = traffic.awaitResults(taskIds, settings.timeout(), printer::print);
      results.keySet().retainAll(taskIds); // results of other services' tasks are only printed
      var missing = new LinkedHashSet<>(taskIds);
      missing.removeAll(results.keySet());
      var succeeded =
          results.values().stream()
              .filter(r -> "SUCCEEDED".equals(r.path("status").asString()))
              .count();
      say(
          "%d of %d tasks have their result (%d succeeded)%s",
          results.size(),
          taskIds.size(),
          succeeded,
          missing.isEmpty() ? "" : "; still waiting for " + missing);
      if (settings.once()) {
        return missing.isEmpty() ? 0 : 1;
      }
      say("listening for more results; Ctrl-C stops");
      while (true) {
        traffic.listen(Duration.ofMinutes(1), printer::print);
      }
    }
  }

  /** Prints each result: its status and times, what was recognised, and its Web UI link. */
  private record ResultPrinter(
      DemoSettings settings, DocumentStore store, Map<String, String> fileOfTask) {

    void print(JsonNode result) {
      var taskId = result.path("taskId").asString();
      var submitted = instant(result, "submittedAt");
      var started = instant(result, "startedAt");
      var finished = instant(result, "finishedAt");
      var line = new StringBuilder();
      line.append(
          String.format(
              "%-10s %-24s %-9s attempts=%d",
              result.path("status").asString(),
              taskId,
              result.path("algorithm").asString(),
              result.path("attempts").asInt()));
      if (submitted != null && started != null) {
        line.append(" waited=")
            .append(Duration.between(submitted, started).toMillis())
            .append("ms");
      }
      if (submitted != null && finished != null) {
        line.append(" total=")
            .append(Duration.between(submitted, finished).toMillis())
            .append("ms");
      }
      line.append("\n           ").append(fileOfTask.getOrDefault(taskId, "(another run's task)"));
      if (result.has("output")) {
        line.append(": ").append(recognised(result.path("output").path("uri").asString()));
      }
      if (result.has("error")) {
        line.append(": ")
            .append(result.path("error").path("code").asString())
            .append(" (")
            .append(result.path("error").path("message").asString())
            .append(')');
      }
      line.append("\n           ")
          .append(settings.webUi())
          .append("/namespaces/")
          .append(settings.namespace())
          .append("/workflows/task-")
          .append(taskId);
      System.out.println(line);
    }

    /** The output's first recognised line, or its uri when it is not an OCR result. */
    private String recognised(String uri) {
      try {
        return OcrSummary.of(JSON.readTree(store.read(uri))).orElse(uri);
      } catch (IOException | RuntimeException unreadable) {
        return uri + " (not read: " + unreadable.getMessage() + ")";
      }
    }
  }

  private static Instant instant(JsonNode result, String field) {
    var value = result.path(field);
    return value.isString() ? Instant.parse(value.asString()) : null;
  }

  private static void say(String format, Object... args) {
    System.out.println("[demo] " + String.format(format, args));
  }
}
