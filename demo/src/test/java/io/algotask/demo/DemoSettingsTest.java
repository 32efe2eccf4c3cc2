package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoSettingsTest {

  @Test
  void withoutArgumentsTheLocalStacksDefaults() {
    var settings = DemoSettings.parse(new String[0]);

    assertThat(settings.once()).isFalse();
    assertThat(settings.tasks()).isEqualTo(8);
    assertThat(settings.algorithms()).containsExactly("ocr", "classify");
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
              "--once", "--tasks=3", "--algorithms=ocr", "--timeout-seconds=5", "--namespace=ns"
            });

    assertThat(settings.once()).isTrue();
    assertThat(settings.tasks()).isEqualTo(3);
    assertThat(settings.algorithms()).containsExactly("ocr");
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.namespace()).isEqualTo("ns");
  }

  @Test
  void badArgumentsAreRefusedNamingThem() {
    assertThatThrownBy(() -> DemoSettings.parse(new String[] {"--colour=red"}))
        .hasMessageContaining("--colour=red");
    assertThatThrownBy(() -> DemoSettings.parse(new String[] {"--tasks=0"}))
        .hasMessageContaining("--tasks must be at least 1");
    assertThatThrownBy(() -> DemoSettings.parse(new String[] {"--tasks=many"}))
        .hasMessageContaining("--tasks");
  }

  @Test
  void badArgumentsExitTwoAndHelpExitsZero() {
    var err = new StringWriter();
    var out = new StringWriter();

    var bad = commandLine(out, err).execute("--tasks=0");
    var help = commandLine(out, err).execute("--help");

    assertThat(bad).isEqualTo(2);
    assertThat(err.toString()).contains("--tasks must be at least 1");
    assertThat(help).isZero();
    assertThat(out.toString()).contains("--once", "--tasks=N", "--bootstrap-servers=HOST:PORT");
  }

  private static CommandLine commandLine(StringWriter out, StringWriter err) {
    return DemoRunner.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
  }
}
