package io.algotask.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampleAlgorithmSettingsTest {

  @Test
  void defaultsWithoutArgumentsOrEnvironment() {
    assertThat(SampleAlgorithmSettings.parse(new String[0], Map.of()))
        .isEqualTo(SampleAlgorithmSettings.defaults())
        .isEqualTo(new SampleAlgorithmSettings(8090, "127.0.0.1", 20, 200, 0, 0, 0, 0, null, 16));
  }

  @Test
  void argumentsWinOverEnvironmentVariables() {
    Map<String, String> environment =
        Map.of(
            "ALGOTASK_SAMPLE_PORT", "9000",
            "ALGOTASK_SAMPLE_LATENCY_MIN_MS", "5",
            "ALGOTASK_SAMPLE_LATENCY_MAX_MS", "7",
            "ALGOTASK_SAMPLE_NO_CALLBACK_RATE", "0.25",
            "ALGOTASK_SAMPLE_SEED", "11",
            "ALGOTASK_SAMPLE_SOMETHING_ELSE", "ignored");

    SampleAlgorithmSettings settings =
        SampleAlgorithmSettings.parse(
            new String[] {"--port=0", "--failureRate=0.5", "--seed=12"}, environment);

    assertThat(settings.port()).isZero();
    assertThat(settings.latencyMinMs()).isEqualTo(5);
    assertThat(settings.latencyMaxMs()).isEqualTo(7);
    assertThat(settings.failureRate()).isEqualTo(0.5);
    assertThat(settings.noCallbackRate()).isEqualTo(0.25);
    assertThat(settings.seed()).isEqualTo(12L);
    assertThat(settings.workerThreads()).isEqualTo(16);
  }

  @Test
  void environmentVariableNamesAreUpperSnakeCase() {
    assertThat(SampleAlgorithmSettings.KEYS)
        .extracting(SampleAlgorithmSettings::environmentVariable)
        .contains(
            "ALGOTASK_SAMPLE_BIND_ADDRESS",
            "ALGOTASK_SAMPLE_LATENCY_MIN_MS",
            "ALGOTASK_SAMPLE_BUSY_RATE",
            "ALGOTASK_SAMPLE_WORKER_THREADS");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--failureRate=1.5 | failureRate must be between 0 and 1, got 1.5",
        "--refusalRate=-0.1 | refusalRate must be between 0 and 1",
        "--busyRate=NaN | busyRate must be between 0 and 1",
        "--noCallbackRate=lots | noCallbackRate must be a number, got 'lots'",
        "--latencyMinMs=300 | latencyMaxMs (200) must be >= latencyMinMs (300)",
        "--latencyMinMs=-1 | latencyMinMs must be >= 0",
        "--port=70000 | port must be between 0 and 65535",
        "--workerThreads=0 | workerThreads must be between 1 and 1024",
        "--bindAddress= | bindAddress must not be blank",
        "--colour=blue | unknown setting 'colour'",
        "port=1 | unexpected argument 'port=1'",
      })
  void rejectsBadSettingsNamingThem(String argument, String message) {
    assertThatThrownBy(() -> SampleAlgorithmSettings.parse(new String[] {argument}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rejectsBadEnvironmentVariablesToo() {
    assertThatThrownBy(
            () ->
                SampleAlgorithmSettings.parse(
                    new String[0], Map.of("ALGOTASK_SAMPLE_BUSY_RATE", "2")))
        .hasMessageContaining("busyRate must be between 0 and 1, got 2.0");
  }

  @Test
  void mainExitsWithTwoOnBadSettings() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exitCode =
        SampleAlgorithmMain.run(
            new String[] {"--latencyMinMs=10", "--latencyMaxMs=5"},
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("invalid settings: latencyMaxMs (5) must be >= latencyMinMs (10)");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void mainPrintsUsageOnHelp() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int exitCode =
        SampleAlgorithmMain.run(
            new String[] {"--help"},
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);

    assertThat(exitCode).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--noCallbackRate=", "ALGOTASK_SAMPLE_NO_CALLBACK_RATE", "exit 2");
  }

  @Test
  void updatingKeepsWhereTheServerListens() throws Exception {
    try (SampleAlgorithmServer server =
        SampleAlgorithmServer.start(SampleAlgorithmSettings.forTests().withWorkerThreads(2))) {
      server.update(SampleAlgorithmSettings.defaults().withFailureRate(1).withSeed(null));

      SampleAlgorithmSettings now = server.settings();
      assertThat(now.port()).isEqualTo(server.port()).isNotEqualTo(8090);
      assertThat(now.workerThreads()).isEqualTo(2);
      assertThat(now.failureRate()).isEqualTo(1);
      assertThat(now.seed()).as("the seed in use stays").isEqualTo(42L);
      assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port());
    }
  }
}
