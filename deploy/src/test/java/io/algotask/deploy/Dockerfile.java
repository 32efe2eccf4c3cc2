package io.algotask.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Dockerfile read into its stages and instructions: enough to check what an image holds without a
 * Docker engine. Comments and blank lines are dropped, lines continued with a backslash are joined,
 * and the parser directives at the top are ignored.
 */
record Dockerfile(List<Stage> stages) {

  /** One instruction: its keyword in upper case and the rest of its line. */
  record Instruction(String keyword, String arguments) {
    List<String> words() {
      return List.of(arguments.trim().split("\\s+"));
    }
  }

  /** One build stage, from its FROM to the next. */
  record Stage(String image, String name, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> last(String keyword) {
      var found = all(keyword);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }
  }

  static Dockerfile read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  static Dockerfile parse(String text) {
    var logicalLines = new ArrayList<String>();
    var current = new StringBuilder();
    for (var line : text.split("\n", -1)) {
      var trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      if (current.length() > 0) {
        logicalLines.add(current.toString());
      }
      current.setLength(0);
    }
    if (current.length() > 0) {
      logicalLines.add(current.toString());
    }
    var stages = new ArrayList<Stage>();
    List<Instruction> instructions = null;
    for (var line : logicalLines) {
      var parts = line.split("\\s+", 2);
      var keyword = parts[0].toUpperCase(Locale.ROOT);
      var arguments = parts.length > 1 ? parts[1].strip() : "";
      if (keyword.equals("FROM")) {
        var words = arguments.split("\\s+");
        var name = words.length >= 3 && words[1].equalsIgnoreCase("AS") ? words[2] : "";
        instructions = new ArrayList<>();
        stages.add(new Stage(words[0], name, instructions));
      } else if (instructions == null) {
        throw new IllegalArgumentException("an instruction before the first FROM: " + line);
      } else {
        instructions.add(new Instruction(keyword, arguments));
      }
    }
    return new Dockerfile(List.copyOf(stages));
  }

  Stage lastStage() {
    return stages.get(stages.size() - 1);
  }
}
