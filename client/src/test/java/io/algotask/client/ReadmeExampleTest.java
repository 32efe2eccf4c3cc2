package io.algotask.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The examples in the READMEs are the code of {@link ClientExample}, which the demo module's
 * ClientIT runs against the real stack: each README's java block after its marker is a region of
 * the example's source, as it is there.
 */
class ReadmeExampleTest {
  private static final Path EXAMPLE =
      Path.of("src/test/java/io/algotask/client/ClientExample.java");

  /** The lines between {@code // [name]} and {@code // [/name]}, without their common indent. */
  private static String region(String name) throws IOException {
    var lines = Files.readString(EXAMPLE).lines().toList();
    var start = lineOf(lines, "// [" + name + "]");
    var end = lineOf(lines, "// [/" + name + "]");
    var body = lines.subList(start + 1, end);
    var indent = lines.get(start).indexOf("//");
    return body.stream()
        .map(line -> line.length() >= indent ? line.substring(indent) : line.strip())
        .collect(Collectors.joining("\n", "", "\n"));
  }

  private static int lineOf(List<String> lines, String marker) {
    for (var i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError("no line " + marker + " in " + EXAMPLE);
  }

  /** The body of the first ```java block after the marker. */
  private static String javaBlock(Path readme) throws IOException {
    var text = Files.readString(readme);
    var marker = text.indexOf("<!-- ClientExample -->");
    assertThat(marker).as("the marker in %s", readme).isNotNegative();
    var start = text.indexOf("```java\n", marker) + "```java\n".length();
    return text.substring(start, text.indexOf("```\n", start));
  }

  @Test
  void theClientsReadmeShowsTheExampleAsItIs() throws IOException {
    assertThat(javaBlock(Path.of("README.md"))).isEqualTo(region("readme"));
  }

  @Test
  void theProjectsReadmeShowsTheFirstStepsAsTheyAre() throws IOException {
    var firstSteps = region("first-steps");
    assertThat(javaBlock(Path.of("../README.md"))).isEqualTo(firstSteps);
    assertThat(firstSteps.lines().count()).as("a short example").isLessThanOrEqualTo(5);
  }
}
