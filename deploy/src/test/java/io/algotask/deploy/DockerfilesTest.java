package io.algotask.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The images' Dockerfiles (deploy/docker), read without a Docker engine, against the apps. */
class DockerfilesTest {
  /** The layers a Spring Boot jar is split into, least likely to change first. */
  private static final List<String> LAYERS =
      List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");

  private static final String LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

  private static Dockerfile dockerfile(String app) throws IOException {
    return Dockerfile.read(Repository.path("deploy/docker/" + app + ".Dockerfile"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"worker-app", "api-app"})
  void extractsTheAppsJarInABuildStage(String app) throws IOException {
    var dockerfile = dockerfile(app);
    assertThat(dockerfile.stages()).hasSize(2);
    var build = dockerfile.stages().get(0);

    var copied = build.all("COPY").get(0).words();
    var jar = "%s/target/%s".formatted(app, Repository.APP_JARS.get(app));
    assertThat(copied).containsExactly(jar, "app.jar");
    assertThat(Repository.appJar(app)).isEqualTo(Repository.path(jar));
    assertThat(build.all("RUN"))
        .extracting(Dockerfile.Instruction::arguments)
        .anySatisfy(
            run ->
                assertThat(run)
                    .contains("java -Djarmode=tools -jar app.jar extract --layers --launcher"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"worker-app", "api-app"})
  void copiesTheLayersInTheJarsOrder(String app) throws IOException {
    var runtime = dockerfile(app).lastStage();
    var copiedLayers = new ArrayList<String>();
    for (var copy : runtime.all("COPY")) {
      var words = copy.words();
      assertThat(words.get(0)).isEqualTo("--from=" + dockerfile(app).stages().get(0).name());
      copiedLayers.add(words.get(1).replaceAll(".*/extracted/([^/]+)/?$", "$1"));
    }
    assertThat(copiedLayers).containsExactlyElementsOf(LAYERS);

    // the jar's own index lists the same layers in the same order, and holds the launcher
    try (var zip = new ZipFile(Repository.appJar(app).toFile())) {
      var index =
          new String(
              zip.getInputStream(zip.getEntry("BOOT-INF/layers.idx")).readAllBytes(),
              StandardCharsets.UTF_8);
      var indexed =
          index
              .lines()
              .filter(l -> l.startsWith("- \""))
              .map(l -> l.replaceAll("- \"(.*)\":", "$1"))
              .toList();
      assertThat(indexed).containsExactlyElementsOf(LAYERS);
      assertThat(zip.getEntry(LAUNCHER.replace('.', '/') + ".class")).isNotNull();
    }
    assertThat(runtime.last("ENTRYPOINT").orElseThrow().arguments()).contains(LAUNCHER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"worker-app", "api-app"})
  void runsAsANonRootUserOnAPinnedJre(String app) throws IOException {
    var dockerfile = dockerfile(app);
    var user = dockerfile.lastStage().last("USER").orElseThrow().arguments();
    assertThat(user).matches("\\d+(:\\d+)?");
    assertThat(Integer.parseInt(user.split(":")[0])).isPositive();

    for (var stage : dockerfile.stages()) {
      // a tag with the full JRE version, never a moving one
      assertThat(stage.image()).matches("eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-jre(-[a-z]+)?");
    }
    var options = dockerfile.lastStage().last("ENV").orElseThrow().arguments();
    assertThat(options).contains("-XX:MaxRAMPercentage=");
  }

  @ParameterizedTest
  @ValueSource(strings = {"worker-app", "api-app"})
  void exposesTheAppsPortsAndChecksReadiness(String app) throws IOException {
    var settings = AppSettings.of(app);
    var runtime = dockerfile(app).lastStage();
    var expected = new ArrayList<>(List.of(settings.serverPort(), settings.managementPort()));
    if (settings.grpcPort() != null) {
      expected.add(settings.grpcPort());
    }
    var exposed =
        runtime.all("EXPOSE").stream()
            .flatMap(e -> e.words().stream())
            .map(Integer::valueOf)
            .toList();
    assertThat(exposed).containsExactlyInAnyOrderElementsOf(expected);

    var check = runtime.last("HEALTHCHECK").orElseThrow().arguments();
    assertThat(check)
        .contains("CMD curl")
        .contains("http://127.0.0.1:" + settings.serverPort() + "/actuator/health/readiness");
    // the image carries what the check runs
    assertThat(runtime.all("RUN"))
        .anySatisfy(run -> assertThat(run.arguments()).contains("apt-get install", "curl"));
  }

  @Test
  void theOcrServiceImageCarriesItsProgramsAndJarAndListensBeyondLoopback() throws IOException {
    var dockerfile = dockerfile("ocr-algorithm");
    assertThat(dockerfile.stages()).hasSize(1);
    var image = dockerfile.lastStage();
    assertThat(image.image()).matches("eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-jre(-[a-z]+)?");
    assertThat(image.all("RUN"))
        .anySatisfy(
            run ->
                assertThat(run.arguments())
                    .contains(
                        "apt-get install",
                        "tesseract-ocr ",
                        "tesseract-ocr-eng",
                        "tesseract-ocr-chi-sim",
                        "poppler-utils",
                        "curl"));
    var jar = "algorithms/ocr/target/algotask-ocr-algorithm.jar";
    assertThat(image.all("COPY").get(0).words()).containsExactly(jar, "ocr-algorithm.jar");
    assertThat(
            Files.readString(
                Repository.path("deploy/docker/ocr-algorithm.Dockerfile.dockerignore")))
        .contains("!" + jar);
    assertThat(Integer.parseInt(image.last("USER").orElseThrow().arguments().split(":")[0]))
        .isPositive();
    assertThat(image.all("EXPOSE").get(0).words()).containsExactly("8091");
    assertThat(image.last("ENV").orElseThrow().arguments())
        .contains("OCR_BIND_ADDRESS=0.0.0.0", "OCR_PORT=8091");
    assertThat(image.last("HEALTHCHECK").orElseThrow().arguments())
        .contains("CMD curl", "http://127.0.0.1:8091/health");
    assertThat(image.last("ENTRYPOINT").orElseThrow().arguments())
        .contains("exec java $JAVA_OPTS -jar /app/ocr-algorithm.jar");
  }
}
