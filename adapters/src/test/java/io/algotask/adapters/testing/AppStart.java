package io.algotask.adapters.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts an app from its jar as a deployment would, with an environment of the test's choosing and
 * nothing inherited (no profile, no variable of the developer's shell), and waits for it to stop.
 */
public final class AppStart {
  private AppStart() {}

  /**
   * Every setting both apps need, as a deployment gives them through its environment, with values
   * of its own (none of them reachable: a start with them alone would wait for the stack).
   */
  public static Map<String, String> sharedProductionEnvironment() {
    return Map.ofEntries(
        Map.entry("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.internal:5432/algotask"),
        Map.entry("SPRING_DATASOURCE_USERNAME", "algotask_app"),
        Map.entry("SPRING_DATASOURCE_PASSWORD", "a-production-password"),
        Map.entry("SPRING_KAFKA_BOOTSTRAPSERVERS", "kafka.internal:9092"),
        Map.entry("SPRING_TEMPORAL_CONNECTION_TARGET", "temporal.internal:7233"),
        Map.entry("ALGOTASK_REDIS_URI", "redis://redis.internal:6379"),
        Map.entry("ALGOTASK_STORAGE_ACCESSKEY", "AKIAEXAMPLE"),
        Map.entry("ALGOTASK_STORAGE_SECRETKEY", "a-production-secret"),
        Map.entry("ALGOTASK_CALLBACK_BASEURL", "https://algotask.internal"),
        Map.entry("ALGOTASK_CALLBACK_ACTIVEKEYID", "2026-12"),
        Map.entry("ALGOTASK_CALLBACK_SIGNINGKEYS_0_ID", "2026-12"),
        Map.entry(
            "ALGOTASK_CALLBACK_SIGNINGKEYS_0_SECRET",
            "a-production-signing-key-of-at-least-32-bytes"));
  }

  /** What a start that ended by itself printed, and its exit code. */
  public record Ended(int exitCode, String output) {}

  public static Ended runUntilExit(
      Path jar, Map<String, String> environment, List<String> arguments, Duration timeout)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: it is built by the package phase");
    }
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    command.addAll(arguments);
    var output = Files.createTempFile("app-start", ".log");
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(environment);
    var process = builder.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "the app was still running after " + timeout + ":\n" + Files.readString(output));
      }
      return new Ended(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(output);
    }
  }
}
