package io.algotask.demo;

import io.algotask.demo.process.JavaProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Both apps of one test run, each from its jar as a process of its own, as in production. */
final class TestApps {
  /** The Temporal namespace of the apps started with the {@code it} profile. */
  static final String TEMPORAL_NAMESPACE = "algotask-test";

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String WORKER_JAR = "worker-app/target/algotask-worker-app.jar";
  private static final String API_JAR = "api-app/target/algotask-api-app.jar";
  private static final Duration STARTUP = Duration.ofMinutes(4);

  private TestApps() {}

  /** Both apps of one test run, each healthy. */
  record Apps(JavaProcess worker, JavaProcess api) {}

  /**
   * Starts one app from its jar on the given business port and a free management port (where its
   * health and {@link JavaProcess#get} go); its log is {@code target/e2e-<name>.log}.
   */
  static JavaProcess start(String name, Path jar, int httpPort, List<String> arguments)
      throws IOException {
    var managementPort = JavaProcess.freePort();
    var all = new ArrayList<String>();
    all.add("--server.port=" + httpPort);
    all.add("--management.server.port=" + managementPort);
    all.addAll(arguments);
    return JavaProcess.jar(name, jar)
        // the tests start a dozen short-lived apps: the quick compiler alone starts them sooner
        .jvmOptions(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
        .arguments(all)
        .log(Path.of("target", "e2e-" + name + ".log"))
        .readiness(JavaProcess.Probe.actuatorHealth(managementPort))
        .start();
  }

  /**
   * The arguments both apps of one test run share: the test profile, and a task queue and topics of
   * the run's own, so that runs never see one another's tasks.
   */
  static List<String> runArguments(String run, int apiPort) {
    return new ArrayList<>(
        List.of(
            "--spring.profiles.active=it",
            "--algotask.temporal.task-queue=" + run,
            "--algotask.topics.requests=" + requestsTopic(run),
            "--algotask.topics.results=" + resultsTopic(run),
            "--algotask.topics.dead-letter=" + requestsTopic(run) + ".dlq",
            "--algotask.callback.base-url=http://127.0.0.1:" + apiPort));
  }

  /**
   * Starts both apps from their jars: the worker with the run's shared arguments, api-app with
   * those, its gRPC port, a consumer group of the run's own and its own extra arguments; returns
   * once both are healthy, or stops both and fails.
   */
  static Apps startBoth(
      String name,
      String run,
      int apiPort,
      int grpcPort,
      List<String> common,
      List<String> apiArguments)
      throws Exception {
    var worker = start(name + "-worker", ROOT.resolve(WORKER_JAR), JavaProcess.freePort(), common);
    var apiAll = new ArrayList<>(common);
    apiAll.add("--spring.grpc.server.port=" + grpcPort);
    apiAll.add("--spring.kafka.consumer.group-id=" + run);
    apiAll.addAll(apiArguments);
    JavaProcess api = null;
    try {
      api = start(name + "-api", ROOT.resolve(API_JAR), apiPort, apiAll);
      api.awaitReady(STARTUP);
      worker.awaitReady(STARTUP);
      return new Apps(worker, api);
    } catch (Exception | Error failure) {
      worker.close();
      if (api != null) {
        api.close();
      }
      throw failure;
    }
  }

  static String requestsTopic(String run) {
    return "algotask." + run + ".requests";
  }

  static String resultsTopic(String run) {
    return "algotask." + run + ".results";
  }
}
