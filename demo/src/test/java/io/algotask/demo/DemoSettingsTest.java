package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoSettingsTest {

  @TempDir static Path files;

  @BeforeAll
  static void twoDocuments() throws Exception {
    Files.writeString(files.resolve("a.png"), "not read here");
    Files.writeString(files.resolve("b.pdf"), "not read here");
  }

  @Test
  void withFilesOnlyTheLocalStacksDefaultsAndOneTaskPerFile() {
    var settings = DemoSettings.parse(new String[] {file("a.png"), file("b.pdf")});

    assertThat(settings.files()).containsExactly(files.resolve("a.png"), files.resolve("b.pdf"));
    assertThat(settings.once()).isFalse();
    assertThat(settings.tasks()).isEqualTo(2);
    assertThat(settings.algorithms()).containsExactly("ocr");
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(180));
    assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(settings.requestsTopic()).isEqualTo("algotask.task.requests");
    assertThat(settings.resultsTopic()).isEqualTo("algotask.task.results");
    assertThat(settings.storage().inputBucket()).isEqualTo("algotask-documents");
    assertThat(settings.webUi()).isEqualTo("http://127.0.0.1:8233");
    assertThat(settings.namespace()).isEqualTo("default");
  }

  @Test
  void argumentsAsTheLauncherGivesThem() {
    var settings =
        DemoSettings.parse(
            new String[] {
              "--once",
              "--tasks=3",
              "--algorithms=ocr,classify",
              "--timeout-seconds=5",
              "--namespace=ns",
              file("a.png")
            });

    assertThat(settings.once()).isTrue();
    assertThat(settings.tasks()).isEqualTo(3);
    assertThat(settings.algorithms()).containsExactly("ocr", "classify");
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.namespace()).isEqualTo("ns");
  }

  @Test
  void badArgumentsAreRefusedNamingThem() {
    assertThatThrownBy(() -> DemoSettings.parse(new String[] {"--colour=red", file("a.png")}))
        .hasMessageContaining("--colour=red");
    assertThatThrownBy(() -> DemoSettings.parse(new String[] {"--tasks=0", file("a.png")}))
        .hasMessageContaining("--tasks must be at least 1");
    assertThatThrownBy(() -> DemoSettings.parse(new String[] {"--tasks=many", file("a.png")}))
        .hasMessageContaining("--tasks");
    assertThatThrownBy(() -> DemoSettings.parse(new String[0])).hasMessageContaining("FILE");
    assertThatThrownBy(() -> DemoSettings.parse(new String[] {file("missing.png")}))
        .hasMessageContaining("not a file this process can read")
        .hasMessageContaining("missing.png");
    assertThatThrownBy(() -> DemoSettings.parse(new String[] {files.toString()}))
        .hasMessageContaining("not a file this process can read");
  }

  @Test
  void badArgumentsExitTwoAndHelpExitsZero() {
    var err = new StringWriter();
    var out = new StringWriter();

    var bad = commandLine(out, err).execute("--tasks=0", file("a.png"));
    var help = commandLine(out, err).execute("--help");

    assertThat(bad).isEqualTo(2);
    assertThat(err.toString()).contains("--tasks must be at least 1");
    assertThat(help).isZero();
    assertThat(out.toString())
        .contains("--once", "--tasks=N", "--bootstrap-servers=HOST:PORT", "FILE...");
  }

  private static String file(String name) {
    return files.resolve(name).toString();
  }

  private static CommandLine commandLine(StringWriter out, StringWriter err) {
    return DemoRunner.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
  }
}
