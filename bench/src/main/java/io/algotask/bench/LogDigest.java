package io.algotask.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The warnings and errors an app logged during a scenario, counted by what they say. */
final class LogDigest {
  private LogDigest() {}

  /** The log's size now: where a scenario's lines begin. */
  static long mark(Path log) {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The lines written since the mark. */
  static List<String> since(Path log, long mark) {
    try (var file = new RandomAccessFile(log.toFile(), "r")) {
      var length = file.length() - mark;
      if (length <= 0) {
        return List.of();
      }
      file.seek(mark);
      var bytes = new byte[(int) Math.min(length, 64L * 1024 * 1024)];
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Spring Boot's WARN and ERROR lines by their level and message (the logger and the text up to a
   * first digit, so that ids and counts do not split them), with how often each came.
   */
  static Map<String, Integer> count(List<String> lines) {
    var counts = new TreeMap<String, Integer>();
    for (var line : lines) {
      var level = line.contains("  WARN ") ? "WARN" : line.contains(" ERROR ") ? "ERROR" : null;
      if (level == null || line.startsWith("\t") || line.indexOf(" : ") < 0) {
        continue;
      }
      var logger =
          line.substring(line.lastIndexOf(']', line.indexOf(" : ")) + 1, line.indexOf(" : "));
      logger = logger.trim().replaceAll(".*\\.", "");
      var message = line.substring(line.indexOf(" : ") + 3);
      var cut = message.length();
      for (int i = 0; i < message.length(); i++) {
        if (Character.isDigit(message.charAt(i))) {
          cut = i;
          break;
        }
      }
      var text = message.substring(0, Math.min(cut, 80)).trim();
      counts.merge(level + " " + logger + ": " + text, 1, Integer::sum);
    }
    return counts;
  }

  /** {@code worker-app: 2 × WARN ReplayWorkflowTaskHandler: Workflow task processing failure...} */
  static String describe(String app, Map<String, Integer> counts) {
    if (counts.isEmpty()) {
      return app + ": no warning or error";
    }
    var out = new StringBuilder(app).append(": ");
    var first = true;
    for (var entry : counts.entrySet()) {
      out.append(first ? "" : "; ")
          .append(entry.getValue())
          .append(" × `")
          .append(entry.getKey())
          .append("`");
      first = false;
    }
    return out.toString();
  }
}
