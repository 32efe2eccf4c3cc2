package io.algotask.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * The demo's settings: its command-line options ({@code --key=value}), with the local stack's
 * defaults as the fields' initial values.
 */
final class DemoSettings {
  @Option(
      names = "--once",
      arity = "0..1",
      description =
          "exit 0 once every submitted task has its result, 1 when the timeout passes first;"
              + " without it, keep printing results until stopped")
  private boolean once;

  @Option(
      names = "--tasks",
      paramLabel = "N",
      description = "tasks to submit, taking turns on the files (default: one per file)")
  private Integer tasks;

  @Option(
      names = "--algorithms",
      paramLabel = "A,B",
      split = ",",
      description = "algorithms the tasks take turns on (default: ocr)")
  private List<String> algorithms = new ArrayList<>(List.of("ocr"));

  @Parameters(
      paramLabel = "FILE",
      arity = "1..*",
      description =
          "the documents: images (PNG, JPEG, TIFF, GIF, BMP) or PDFs; each is uploaded once")
  private List<Path> files = new ArrayList<>();

  @Option(
      names = "--timeout-seconds",
      paramLabel = "S",
      description = "how long to wait for the results (default: 180)")
  private long timeoutSeconds = 180;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka (default ${DEFAULT-VALUE})")
  private String bootstrapServers = "127.0.0.1:9092";

  @Option(
      names = "--requests-topic",
      paramLabel = "TOPIC",
      description = "default ${DEFAULT-VALUE}")
  private String requestsTopic = "algotask.task.requests";

  @Option(names = "--results-topic", paramLabel = "TOPIC", description = "default ${DEFAULT-VALUE}")
  private String resultsTopic = "algotask.task.results";

  @Mixin private StorageSettings storage = new StorageSettings();

  @Option(
      names = "--web-ui",
      paramLabel = "URL",
      description = "the Temporal Web UI, for links (default ${DEFAULT-VALUE})")
  private String webUi = "http://127.0.0.1:8233";

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "the Temporal namespace (default ${DEFAULT-VALUE})")
  private String namespace = "default";

  /**
   * The settings of these arguments, checked.
   *
   * @throws ParameterException naming the argument that is wrong
   */
  static DemoSettings parse(String[] args) {
    var settings = new DemoSettings();
    var commandLine = new CommandLine(settings);
    commandLine.parseArgs(args);
    settings.check(commandLine);
    return settings;
  }

  /** The checks the options' types do not make. */
  void check(CommandLine commandLine) {
    if (tasks != null && tasks < 1) {
      throw new ParameterException(commandLine, "--tasks must be at least 1");
    }
    for (var file : files) {
      if (!DocumentStore.readable(file)) {
        throw new ParameterException(
            commandLine, "not a file this process can read: " + file.toAbsolutePath());
      }
    }
  }

  boolean once() {
    return once;
  }

  int tasks() {
    return tasks == null ? files.size() : tasks;
  }

  List<Path> files() {
    return List.copyOf(files);
  }

  List<String> algorithms() {
    return List.copyOf(algorithms);
  }

  Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  String requestsTopic() {
    return requestsTopic;
  }

  String resultsTopic() {
    return resultsTopic;
  }

  StorageSettings storage() {
    return storage;
  }

  String webUi() {
    return webUi;
  }

  String namespace() {
    return namespace;
  }
}
