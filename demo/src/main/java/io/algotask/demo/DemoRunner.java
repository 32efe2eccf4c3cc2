package io.algotask.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * The main job's driver: uploads a few documents, submits tasks over Kafka and prints each result
 * as it arrives, with a link to the task in the Temporal Web UI. With {@code --once} it exits 0
 * once every task has its result and 1 if the timeout passes first; otherwise it keeps printing
 * results until stopped (Ctrl-C).
 */
@Command(
    name = "algotask-demo",
    customSynopsis = "java -jar algotask-demo.jar [--once] [--key=value ...]",
    description = {
      "",
      "Uploads a few documents to S3, submits tasks over Kafka and prints each result as it"
          + " arrives, with a link to the task in the Temporal Web UI. Bad arguments exit 2.",
      "",
      "Settings (defaults: the local stack's):"
    },
    sortOptions = false,
    usageHelpWidth = 100)
public final class DemoRunner implements Callable<Integer> {
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
    var documents = SampleDocuments.upload(settings.storage(), "demo/");
    say(
        "uploaded %d documents to s3://%s/demo/",
        documents.size(), settings.storage().inputBucket());
    var runId = RUN_ID.format(Instant.now());
    var requests = new ArrayList<Map<String, Object>>();
    for (int i = 1; i <= settings.tasks(); i++) {
      var request = new LinkedHashMap<String, Object>();
      request.put("taskId", "demo-" + runId + "-" + i);
      request.put("algorithm", settings.algorithms().get((i - 1) % settings.algorithms().size()));
      request.put("tenant", i % 2 == 0 ? "acme" : "globex");
      request.put("priority", 1 + (i % 5));
      request.put("input", Map.of("uri", documents.get((i - 1) % documents.size())));
      request.put("params", Map.of("language", "en"));
      request.put("metadata", Map.of("demoRun", runId));
      requests.add(request);
    }
    try (var traffic =
        new TaskTraffic(
            settings.bootstrapServers(), settings.requestsTopic(), settings.resultsTopic())) {
      var taskIds = new LinkedHashSet<String>();
      requests.forEach(r -> taskIds.add((String) r.get("taskId")));
      traffic.submitAll(requests);
      say(
          "submitted %d tasks to %s; results as they arrive:",
          requests.size(), settings.requestsTopic());
      var results =
          traffic.awaitResults(taskIds, settings.timeout(), result -> print(result, settings));
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
        traffic.listen(Duration.ofMinutes(1), result -> print(result, settings));
      }
    }
  }

  private static void print(JsonNode result, DemoSettings settings) {
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
      line.append(" waited=").append(Duration.between(submitted, started).toMillis()).append("ms");
    }
    if (submitted != null && finished != null) {
      line.append(" total=").append(Duration.between(submitted, finished).toMillis()).append("ms");
    }
    if (result.has("output")) {
      line.append(" output=").append(result.path("output").path("uri").asString());
    }
    if (result.has("error")) {
      line.append(" error=")
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

  private static Instant instant(JsonNode result, String field) {
    var value = result.path(field);
    return value.isString() ? Instant.parse(value.asString()) : null;
  }

  private static void say(String format, Object... args) {
    System.out.println("[demo] " + String.format(format, args));
  }
}
