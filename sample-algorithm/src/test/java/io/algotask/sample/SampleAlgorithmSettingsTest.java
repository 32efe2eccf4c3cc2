package io.algotask.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampleAlgorithmSettingsTest {

  @Test
  void defaultsWithoutArgumentsOrEnvironment() {
    assertThat(SampleAlgorithmMain.parse(new String[0], Map.of()))
        .isEqualTo(SampleAlgorithmSettings.defaults())
        .isEqualTo(
            new SampleAlgorithmSettings(
                8090, "127.0.0.1", 20, 200, 0, 0, 0, 0, 0, 0, 0, 0, null, 16, null));
  }

  @Test
  void argumentsWinOverEnvironmentVariables() {
    Map<String, String> environment =
        Map.of(
            "ALGOTASK_SAMPLE_PORT", "9000",
            "ALGOTASK_SAMPLE_LATENCY_MIN_MS", "5",
            "ALGOTASK_SAMPLE_LATENCY_MAX_MS", "7",
            "ALGOTASK_SAMPLE_NO_CALLBACK_RATE", "0.25",
            "ALGOTASK_SAMPLE_SERVER_ERROR_RATE", "0.9",
            "ALGOTASK_SAMPLE_LATE_CALLBACK_RATE", "0.3",
            "ALGOTASK_SAMPLE_DUPLICATE_CALLBACK_RATE", "0.4",
            "ALGOTASK_SAMPLE_CONFLICTING_CALLBACK_RATE", "0.6",
            "ALGOTASK_SAMPLE_SEED", "11",
            "ALGOTASK_SAMPLE_SOMETHING_ELSE", "ignored");

    SampleAlgorithmSettings settings =
        SampleAlgorithmMain.parse(
            new String[] {
              "--port=0",
              "--failureRate=0.5",
              "--seed=12",
              "--serverErrorRate=0.2",
              "--conflictingCallbackRate=1"
            },
            environment);

    assertThat(settings.port()).isZero();
    assertThat(settings.latencyMinMs()).isEqualTo(5);
    assertThat(settings.latencyMaxMs()).isEqualTo(7);
    assertThat(settings.failureRate()).isEqualTo(0.5);
    assertThat(settings.noCallbackRate()).isEqualTo(0.25);
    assertThat(settings.serverErrorRate()).isEqualTo(0.2);
    assertThat(settings.lateCallbackRate()).isEqualTo(0.3);
    assertThat(settings.duplicateCallbackRate()).isEqualTo(0.4);
    assertThat(settings.conflictingCallbackRate()).isEqualTo(1);
    assertThat(settings.seed()).isEqualTo(12L);
    assertThat(settings.workerThreads()).isEqualTo(16);
  }

  @Test
  void environmentVariableNamesAreUpperSnakeCase() {
    assertThat(
            List.of(
                "--bindAddress",
                "--latencyMinMs",
                "--busyRate",
                "--serverErrorRate",
                "--lateCallbackRate",
                "--duplicateCallbackRate",
                "--conflictingCallbackRate",
                "--workerThreads"))
        .extracting(SampleAlgorithmMain::environmentVariable)
        .containsExactly(
            "ALGOTASK_SAMPLE_BIND_ADDRESS",
            "ALGOTASK_SAMPLE_LATENCY_MIN_MS",
            "ALGOTASK_SAMPLE_BUSY_RATE",
            "ALGOTASK_SAMPLE_SERVER_ERROR_RATE",
            "ALGOTASK_SAMPLE_LATE_CALLBACK_RATE",
            "ALGOTASK_SAMPLE_DUPLICATE_CALLBACK_RATE",
            "ALGOTASK_SAMPLE_CONFLICTING_CALLBACK_RATE",
            "ALGOTASK_SAMPLE_WORKER_THREADS");
  }

  @Test
  void everySettingIsReadFromItsEnvironmentVariable() {
    var environment = new HashMap<String, String>();
    environment.put("ALGOTASK_SAMPLE_PORT", "1");
    environment.put("ALGOTASK_SAMPLE_BIND_ADDRESS", "0.0.0.0");
    environment.put("ALGOTASK_SAMPLE_LATENCY_MIN_MS", "1");
    environment.put("ALGOTASK_SAMPLE_LATENCY_MAX_MS", "2");
    environment.put("ALGOTASK_SAMPLE_FAILURE_RATE", "0.5");
    environment.put("ALGOTASK_SAMPLE_REFUSAL_RATE", "0.6");
    environment.put("ALGOTASK_SAMPLE_BUSY_RATE", "0.7");
    environment.put("ALGOTASK_SAMPLE_NO_CALLBACK_RATE", "0.8");
    environment.put("ALGOTASK_SAMPLE_SERVER_ERROR_RATE", "0.1");
    environment.put("ALGOTASK_SAMPLE_LATE_CALLBACK_RATE", "0.2");
    environment.put("ALGOTASK_SAMPLE_DUPLICATE_CALLBACK_RATE", "0.3");
    environment.put("ALGOTASK_SAMPLE_CONFLICTING_CALLBACK_RATE", "0.4");
    environment.put("ALGOTASK_SAMPLE_SEED", " 7 ");
    environment.put("ALGOTASK_SAMPLE_WORKER_THREADS", "3");

    assertThat(SampleAlgorithmMain.parse(new String[0], environment))
        .isEqualTo(
            new SampleAlgorithmSettings(
                1, "0.0.0.0", 1, 2, 0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 7L, 3, null));
    assertThat(SampleAlgorithmMain.parse(new String[0], Map.of("ALGOTASK_SAMPLE_PORT", " ")))
        .as("a blank variable is no setting")
        .isEqualTo(SampleAlgorithmSettings.defaults());
  }

  @Test
  void theBuilderChangesOnlyWhatItIsTold() {
    SampleAlgorithmSettings base = SampleAlgorithmSettings.forTests();

    assertThat(base.toBuilder().serverErrorRate(0.1).build())
        .isEqualTo(
            new SampleAlgorithmSettings(
                0, "127.0.0.1", 20, 200, 0, 0, 0, 0, 0.1, 0, 0, 0, 42L, 16, null));
    assertThat(base.toBuilder().lateCallbackRate(0.2).build())
        .isEqualTo(
            new SampleAlgorithmSettings(
                0, "127.0.0.1", 20, 200, 0, 0, 0, 0, 0, 0.2, 0, 0, 42L, 16, null));
    assertThat(base.toBuilder().duplicateCallbackRate(0.3).build())
        .isEqualTo(
            new SampleAlgorithmSettings(
                0, "127.0.0.1", 20, 200, 0, 0, 0, 0, 0, 0, 0.3, 0, 42L, 16, null));
    assertThat(base.toBuilder().conflictingCallbackRate(0.4).build())
        .isEqualTo(
            new SampleAlgorithmSettings(
                0, "127.0.0.1", 20, 200, 0, 0, 0, 0, 0, 0, 0, 0.4, 42L, 16, null));
    SampleAlgorithmSettings all =
        base.toBuilder()
            .serverErrorRate(0.1)
            .lateCallbackRate(0.2)
            .duplicateCallbackRate(0.3)
            .conflictingCallbackRate(0.4)
            .build();
    // a builder from built settings carries every setting along
    assertThat(
            all.toBuilder()
                .port(1)
                .bindAddress("0.0.0.0")
                .latencyMs(1, 2)
                .failureRate(0.5)
                .refusalRate(0.6)
                .busyRate(0.7)
                .noCallbackRate(0.8)
                .seed(7L)
                .workerThreads(3)
                .build())
        .isEqualTo(
            new SampleAlgorithmSettings(
                1, "0.0.0.0", 1, 2, 0.5, 0.6, 0.7, 0.8, 0.1, 0.2, 0.3, 0.4, 7L, 3, null));
    assertThat(all.toBuilder().build()).isEqualTo(all);
  }

  @Test
  void theBuilderValidatesWhatItBuilds() {
    assertThatThrownBy(() -> SampleAlgorithmSettings.builder().busyRate(2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("busyRate must be between 0 and 1, got 2.0");
  }

  @Test
  void describeNamesEveryRate() {
    assertThat(
            SampleAlgorithmSettings.forTests().toBuilder()
                .serverErrorRate(0.1)
                .lateCallbackRate(0.2)
                .duplicateCallbackRate(0.3)
                .conflictingCallbackRate(0.4)
                .build()
                .describe())
        .isEqualTo(
            "latencyMs=20-200 failureRate=0.0 refusalRate=0.0 busyRate=0.0 noCallbackRate=0.0"
                + " serverErrorRate=0.1 lateCallbackRate=0.2 duplicateCallbackRate=0.3"
                + " conflictingCallbackRate=0.4 seed=42 workerThreads=16 capacity=unlimited");
    assertThat(SampleAlgorithmSettings.forTests().toBuilder().capacity(8).build().describe())
        .endsWith(" capacity=8");
    assertThat(SampleAlgorithmMain.parse(new String[] {"--capacity=8"}, Map.of()).capacity())
        .isEqualTo(8);
    assertThat(SampleAlgorithmMain.parse(new String[0], Map.of("ALGOTASK_SAMPLE_CAPACITY", "3")))
        .isEqualTo(SampleAlgorithmSettings.defaults().toBuilder().capacity(3).build());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--failureRate=1.5 | failureRate must be between 0 and 1, got 1.5",
        "--refusalRate=-0.1 | refusalRate must be between 0 and 1",
        "--busyRate=NaN | busyRate must be between 0 and 1",
        "--noCallbackRate=lots | Invalid value for option '--noCallbackRate': 'lots' is not a double",
        "--serverErrorRate=1.01 | serverErrorRate must be between 0 and 1, got 1.01",
        "--lateCallbackRate=-1 | lateCallbackRate must be between 0 and 1",
        "--duplicateCallbackRate=Infinity | duplicateCallbackRate must be between 0 and 1",
        "--conflictingCallbackRate=half | option '--conflictingCallbackRate': 'half' is not a double",
        "--port=http | Invalid value for option '--port': 'http' is not an int",
        "--latencyMinMs=300 | latencyMaxMs (200) must be >= latencyMinMs (300)",
        "--latencyMinMs=-1 | latencyMinMs must be >= 0",
        "--port=70000 | port must be between 0 and 65535",
        "--workerThreads=0 | workerThreads must be between 1 and 1024",
        "--bindAddress= | bindAddress must not be blank",
        "--colour=blue | Unknown option: '--colour=blue'",
        "port=1 | Unmatched argument at index 0: 'port=1'",
      })
  void rejectsBadSettingsNamingThem(String argument, String message) {
    assertThatThrownBy(() -> SampleAlgorithmMain.parse(new String[] {argument}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rejectsBadEnvironmentVariablesToo() {
    assertThatThrownBy(
            () ->
                SampleAlgorithmMain.parse(new String[0], Map.of("ALGOTASK_SAMPLE_BUSY_RATE", "2")))
        .hasMessageContaining("busyRate must be between 0 and 1, got 2.0");
    assertThatThrownBy(
            () ->
                SampleAlgorithmMain.parse(
                    new String[0], Map.of("ALGOTASK_SAMPLE_LATE_CALLBACK_RATE", "1.5")))
        .hasMessageContaining("lateCallbackRate must be between 0 and 1, got 1.5");
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
  void mainExitsWithTwoOnAnUnknownOption() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exitCode =
        SampleAlgorithmMain.run(
            new String[] {"--latency=10"},
            Map.of(),
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("invalid settings: Unknown option: '--latency=10'", "see --help");
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
        .contains("--noCallbackRate=", "ALGOTASK_SAMPLE_NO_CALLBACK_RATE", "exit 2")
        .contains(
            "--serverErrorRate=",
            "--lateCallbackRate=",
            "--duplicateCallbackRate=",
            "--conflictingCallbackRate=",
            "ALGOTASK_SAMPLE_CONFLICTING_CALLBACK_RATE")
        .doesNotContain("null");
  }

  @Test
  void updatingKeepsWhereTheServerListens() throws Exception {
    try (SampleAlgorithmServer server =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder().workerThreads(2).build())) {
      server.update(SampleAlgorithmSettings.builder().failureRate(1).seed(null).build());

      SampleAlgorithmSettings now = server.settings();
      assertThat(now.port()).isEqualTo(server.port()).isNotEqualTo(8090);
      assertThat(now.workerThreads()).isEqualTo(2);
      assertThat(now.failureRate()).isEqualTo(1);
      assertThat(now.seed()).as("the seed in use stays").isEqualTo(42L);
      assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port());
    }
  }
}
