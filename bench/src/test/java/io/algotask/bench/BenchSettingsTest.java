package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

class BenchSettingsTest {
  private static final Instant NOW = Instant.parse("2026-11-26T23:30:00Z");

  @Test
  void withoutArgumentsEveryScenarioRunsAtFullSize() {
    var settings = BenchSettings.parse(new String[] {"--root=/repo"}, NOW);

    assertThat(settings.scenarios())
        .containsExactly("ceiling", "latency", "handoff", "throughput", "backlog", "ocr");
    assertThat(settings.latencyDuration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.handOffTasks()).isEqualTo(200);
    assertThat(settings.backlogTasks()).isEqualTo(1_000);
    assertThat(settings.throughputInFlight()).isEqualTo(64);
    assertThat(settings.ocrTasks()).isEqualTo(60);
    assertThat(settings.ocrCapacity()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(settings.reportDir().toString()).isEqualTo("/repo/bench/reports/20261126T233000Z");
    assertThat(settings.stackDir().toString()).isEqualTo("/repo/.stack");
  }

  @Test
  void scenariosRunInTheirOwnOrderAndAScaleShrinksThemToAFloor() {
    var settings = BenchSettings.parse(new String[] {"backlog", "latency", "--scale=0.05"}, NOW);

    assertThat(settings.scenarios()).containsExactly("latency", "backlog");
    assertThat(settings.backlogTasks()).isEqualTo(100);
    assertThat(settings.latencyDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.handOffTasks()).isEqualTo(20);
    assertThat(settings.ocrTasks()).isEqualTo(6);
  }

  @Test
  void theOcrScenarioTakesItsSizeAndTheOcrServicesCapacity() {
    var settings =
        BenchSettings.parse(new String[] {"ocr", "--ocr-tasks=90", "--ocr-capacity=4"}, NOW);

    assertThat(settings.scenarios()).containsExactly("ocr");
    assertThat(settings.ocrTasks()).isEqualTo(90);
    assertThat(settings.ocrCapacity()).isEqualTo(4);
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--ocr-capacity=0"}, NOW))
        .hasMessageContaining("--ocr-capacity")
        .hasMessageContaining("must be at least 1");
  }

  @Test
  void scalingRunsOnlyWhenNamedAndThenLast() {
    assertThat(BenchSettings.parse(new String[] {"scaling"}, NOW).scenarios())
        .containsExactly("scaling");
    assertThat(BenchSettings.parse(new String[] {"scaling", "latency"}, NOW).scenarios())
        .containsExactly("latency", "scaling");
    assertThat(BenchSettings.parse(new String[] {"scaling", "all"}, NOW).scenarios())
        .containsExactly(
            "ceiling", "latency", "handoff", "throughput", "backlog", "ocr", "scaling");
    assertThat(BenchSettings.parse(new String[] {"all"}, NOW).scenarios())
        .doesNotContain("scaling");
  }

  @Test
  void adaptiveAndFairnessRunOnlyWhenNamedBeforeScalingAndTheirPhasesShrinkWithTheScale() {
    var settings = BenchSettings.parse(new String[] {"scaling", "fairness", "adaptive"}, NOW);

    assertThat(settings.scenarios()).containsExactly("adaptive", "fairness", "scaling");
    assertThat(settings.adaptivePhase()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.fairnessDuration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(BenchSettings.parse(new String[] {"all"}, NOW).scenarios())
        .doesNotContain("adaptive", "fairness");
    var small = BenchSettings.parse(new String[] {"adaptive", "--scale=0.1"}, NOW);
    assertThat(small.adaptivePhase()).isEqualTo(Duration.ofSeconds(10));
    assertThat(small.fairnessDuration()).isEqualTo(Duration.ofSeconds(10));
    var given =
        BenchSettings.parse(
            new String[] {"--adaptive-phase-seconds=45", "--fairness-seconds=30"}, NOW);
    assertThat(given.adaptivePhase()).isEqualTo(Duration.ofSeconds(45));
    assertThat(given.fairnessDuration()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aClusterShapedStackIsAddressedByListsOfNodesAndTheAppsGetMoreArguments() {
    var settings =
        BenchSettings.parse(
            new String[] {
              "scaling",
              "--kafka=127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094",
              "--redis-cluster-nodes=redis://127.0.0.1:7001,redis://127.0.0.1:7002",
              "--redis-cluster-nodes=redis://127.0.0.1:7003",
              "--app-arg=--algotask.topics.replication-factor=3",
              "--app-arg=--spring.kafka.producer.acks=all",
              "--stack-services=temporalpg,kafka1,kafka2,kafka3,redis1,postgres"
            },
            NOW);

    assertThat(settings.kafka()).isEqualTo("127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094");
    assertThat(settings.redisClusterNodes())
        .containsExactly(
            "redis://127.0.0.1:7001", "redis://127.0.0.1:7002", "redis://127.0.0.1:7003");
    assertThat(settings.appArguments())
        .containsExactly(
            "--algotask.topics.replication-factor=3", "--spring.kafka.producer.acks=all");
    assertThat(BenchRun.redisArguments(settings))
        .containsExactly(
            "--algotask.redis.uri=redis://127.0.0.1:6379",
            "--algotask.redis.cluster-nodes[0]=redis://127.0.0.1:7001",
            "--algotask.redis.cluster-nodes[1]=redis://127.0.0.1:7002",
            "--algotask.redis.cluster-nodes[2]=redis://127.0.0.1:7003");
    assertThat(settings.stackServices())
        .containsExactly("temporalpg", "kafka1", "kafka2", "kafka3", "redis1", "postgres");
  }

  @Test
  void theLocalStackIsTheDefaultShape() {
    var settings = BenchSettings.parse(new String[0], NOW);

    assertThat(settings.redisClusterNodes()).isEmpty();
    assertThat(settings.appArguments()).isEmpty();
    assertThat(settings.stackServices())
        .containsExactly("temporal", "kafka", "postgres", "redis", "s3proxy");
    assertThat(BenchRun.redisArguments(settings))
        .containsExactly("--algotask.redis.uri=redis://127.0.0.1:6379");
  }

  @Test
  void theBacklogAloneIsTenThousandTasksAndGetsTimeToDrain() {
    var settings = BenchSettings.parse(new String[] {"backlog"}, NOW);

    assertThat(settings.backlogTasks()).isEqualTo(10_000);
    assertThat(settings.backlogTimeout()).isEqualTo(Duration.ofSeconds(3_333));
  }

  @Test
  void anExplicitSizeWinsOverTheScale() {
    var settings = BenchSettings.parse(new String[] {"--scale=0.1", "--backlog-tasks=2500"}, NOW);

    assertThat(settings.backlogTasks()).isEqualTo(2_500);
  }

  @Test
  void unknownArgumentsAndBadScalesAreRefused() {
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"fast"}, NOW))
        .hasMessageContaining("unknown argument: fast");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--colour=red"}, NOW))
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--scale=2"}, NOW))
        .hasMessageContaining("--scale");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--backlog-tasks=0"}, NOW))
        .hasMessageContaining("--backlog-tasks")
        .hasMessageContaining("must be at least 1");
  }

  @Test
  void theLaunchersSettingsAreTaken() {
    var settings =
        BenchSettings.parse(
            new String[] {
              "all",
              "--root=/repo",
              "--stack-dir=/state",
              "--kafka=127.0.0.1:19092",
              "--redis-uri=redis://127.0.0.1:16379",
              "--app-java-opts= -Xmx1g  -XX:+UseSerialGC",
              "--keep-records",
              "--ceiling-in-flight=8",
              "--s3-endpoint=http://127.0.0.1:18333",
              "--s3-secret-key=other-secret"
            },
            NOW);

    assertThat(settings.scenarios()).containsExactlyElementsOf(BenchSettings.ALL);
    assertThat(settings.stackDir().toString()).isEqualTo("/state");
    assertThat(settings.kafka()).isEqualTo("127.0.0.1:19092");
    assertThat(settings.redisUri()).isEqualTo("redis://127.0.0.1:16379");
    assertThat(settings.appJavaOptions()).containsExactly("-Xmx1g", "-XX:+UseSerialGC");
    assertThat(settings.keepRecords()).isTrue();
    assertThat(settings.ceilingInFlight()).isEqualTo(8);
    assertThat(settings.storage().endpoint()).isEqualTo("http://127.0.0.1:18333");
    assertThat(settings.storage().secretKey()).isEqualTo("other-secret");
    assertThat(settings.storage().inputBucket()).isEqualTo("algotask-documents");
    assertThat(BenchSettings.parse(new String[] {"--keep-records=false"}, NOW).keepRecords())
        .isFalse();
  }

  @Test
  void badArgumentsExitTwoWithTheUsageAndHelpExitsZero() {
    var out = new StringWriter();
    var err = new StringWriter();

    var bad =
        BenchMain.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute("fast");
    var help =
        BenchMain.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute("--help");

    assertThat(bad).isEqualTo(2);
    assertThat(err.toString()).contains("unknown argument: fast", "Usage:");
    assertThat(help).isZero();
    assertThat(out.toString())
        .contains(
            "ceiling latency handoff throughput backlog ocr",
            "ocr         60 single-page documents at once to the OCR service",
            "scaling     the throughput load on one worker-app, then on two",
            "settles within 10 % of each",
            "fairness    tenant noisy submitting 10 times quiet's rate",
            "--adaptive-phase-seconds=N",
            "--fairness-seconds=N",
            "--scale=F",
            "--backlog-tasks=N",
            "--redis-cluster-nodes=URI[,URI...]",
            "--app-arg=ARG",
            "--compare=REPORT_DIR",
            "--root=../before --report-dir=bench/reports/before");
  }

  @Test
  void anotherCheckoutsAppsAreMeasuredWhenItHasBuiltThem(@TempDir Path other) throws Exception {
    var settings = BenchSettings.parse(new String[] {"--root=" + other}, NOW);
    assertThat(settings.missingJars())
        .containsExactly(
            other.resolve("worker-app/target/algotask-worker-app.jar"),
            other.resolve("api-app/target/algotask-api-app.jar"),
            other.resolve("sample-algorithm/target/algotask-sample-algorithm.jar"),
            other.resolve("algorithms/ocr/target/algotask-ocr-algorithm.jar"));
    assertThat(BenchSettings.parse(new String[] {"latency", "--root=" + other}, NOW).missingJars())
        .as("only the ocr scenario runs the OCR service")
        .hasSize(3);
    assertThat(BenchSettings.parse(new String[] {"ceiling", "--root=" + other}, NOW).missingJars())
        .as("the ceiling runs no app")
        .isEmpty();

    for (var jar : BenchSettings.appJars(true)) {
      Files.createDirectories(other.resolve(jar).getParent());
      Files.writeString(other.resolve(jar), "a jar");
    }
    assertThat(settings.missingJars()).isEmpty();
    assertThat(settings.root()).isEqualTo(other);
    assertThat(BenchMain.appsFrom(other)).isEqualTo("; the apps' jars from " + other);
    var ownCheckout = Path.of("..").toAbsolutePath().normalize(); // the tests run in bench/
    assertThat(BenchMain.appsFrom(ownCheckout)).isEmpty();
  }

  @Test
  void aRootWithoutTheJarsIsRefusedBeforeAnythingRunsAndTheLastRootGivenWins(@TempDir Path other) {
    var err = new StringWriter();

    // the launcher's own --root comes first, the user's after it
    var exit =
        BenchMain.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute("latency", "--root=/launchers/own", "--root=" + other);

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--root " + other + " has not built")
        .contains("algotask-worker-app.jar")
        .contains("./mvnw -B -ntp -DskipTests package -pl worker-app,api-app,sample-algorithm -am");
    var ocr = new StringWriter();
    BenchMain.commandLine().setErr(new PrintWriter(ocr, true)).execute("ocr", "--root=" + other);
    assertThat(ocr.toString())
        .contains(
            "./mvnw -B -ntp -DskipTests package -pl"
                + " worker-app,api-app,sample-algorithm,algorithms/ocr -am");
  }

  @Test
  void anEarlierReportToCompareWithIsReadWhenTheArgumentsAreChecked(@TempDir Path earlier)
      throws Exception {
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--compare=" + earlier}, NOW))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--compare: no summary.json in " + earlier);

    var summary =
        new Summary(
            "bench-1",
            "2026-12-06T13:09:57Z",
            "abc1234",
            "./algotask bench",
            List.of(Figure.of("ceiling", "minimal workflows per second", 30.0, "workflows/s")));
    summary.write(earlier);

    assertThat(BenchSettings.parse(new String[] {"--compare=" + earlier}, NOW).before())
        .isEqualTo(summary);
    assertThat(BenchSettings.parse(new String[0], NOW).before()).isNull();
  }
}
