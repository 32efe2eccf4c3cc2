package io.algotask.demo;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's settings, from {@code --key=value} arguments, with the local stack's defaults.
 *
 * @param once exit after every submitted task has its result (0), or when the timeout passes (1)
 */
record DemoSettings(
    boolean once,
    int tasks,
    List<String> algorithms,
    Duration timeout,
    String bootstrapServers,
    String requestsTopic,
    String resultsTopic,
    String s3Endpoint,
    String s3Region,
    String s3AccessKey,
    String s3SecretKey,
    String inputBucket,
    String webUi,
    String namespace) {

  static DemoSettings parse(String[] args) {
    var values = new HashMap<String, String>();
    for (var arg : args) {
      if (arg.equals("--once")) {
        values.put("once", "true");
      } else if (arg.startsWith("--") && arg.contains("=")) {
        values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else {
        throw new IllegalArgumentException("unknown argument: " + arg + " (expected --key=value)");
      }
    }
    var settings =
        new DemoSettings(
            Boolean.parseBoolean(values.remove("once")),
            Integer.parseInt(take(values, "tasks", "8")),
            List.of(take(values, "algorithms", "ocr,classify").split(",")),
            Duration.ofSeconds(Long.parseLong(take(values, "timeout-seconds", "180"))),
            take(values, "bootstrap-servers", "127.0.0.1:9092"),
            take(values, "requests-topic", "algotask.task.requests"),
            take(values, "results-topic", "algotask.task.results"),
            take(values, "s3-endpoint", "http://127.0.0.1:8333"),
            take(values, "s3-region", "us-east-1"),
            take(values, "s3-access-key", "algotask"),
            take(values, "s3-secret-key", "algotask-secret"),
            take(values, "input-bucket", "algotask-documents"),
            take(values, "web-ui", "http://127.0.0.1:8233"),
            take(values, "namespace", "default"));
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("unknown settings: " + values.keySet());
    }
    if (settings.tasks() < 1) {
      throw new IllegalArgumentException("--tasks must be at least 1");
    }
    return settings;
  }

  private static String take(Map<String, String> values, String key, String fallback) {
    var value = values.remove(key);
    return value == null ? fallback : value;
  }
}
