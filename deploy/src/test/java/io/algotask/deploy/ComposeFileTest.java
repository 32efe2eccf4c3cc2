package io.algotask.deploy;

import static io.algotask.deploy.RenderedChart.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** deploy/compose/compose.yaml and its nginx.conf, read as compose would read them. */
class ComposeFileTest {
  private static final List<String> APPS = List.of("worker-app", "api-app-1", "api-app-2");

  /** Services that run once and exit: the ones after them wait for their success. */
  private static final List<String> ONE_SHOT_JOBS =
      List.of("temporal-schema", "temporal-namespace");

  private static final Pattern SECRET_VARIABLE =
      Pattern.compile(".*(PASSWORD|SECRET|SECRETKEY|ACCESSKEY|TOKEN|_KEY)$");

  /** A value compose takes from .env and refuses to start without: ${NAME:?message}. */
  private static final Pattern REQUIRED_INTERPOLATION = Pattern.compile("\\$\\{[A-Z_]+:\\?[^}]+}");

  private static Map<String, Object> services;

  @BeforeAll
  static void read() throws IOException {
    Map<String, Object> compose =
        new Yaml().load(Files.readString(Repository.path("deploy/compose/compose.yaml")));
    services = at(compose, "services");
  }

  private static Map<String, Object> service(String name) {
    Map<String, Object> service = at(services, name);
    assertThat(service).as(name).isNotNull();
    return service;
  }

  private static Map<String, Object> environment(String name) {
    return at(service(name), "environment");
  }

  @Test
  void holdsTheProductionShape() {
    assertThat(services)
        .containsKeys(
            "postgres",
            "temporal-schema",
            "temporal",
            "temporal-namespace",
            "temporal-ui",
            "kafka-1",
            "kafka-2",
            "kafka-3",
            "redis",
            "minio",
            "worker-app",
            "api-app-1",
            "api-app-2",
            "nginx",
            "ocr-algorithm",
            "sample-algorithm");
    assertThat((Object) at(service("worker-app"), "deploy", "replicas")).isEqualTo(2);
    assertThat((List<String>) at(service("sample-algorithm"), "profiles"))
        .containsExactly("sample");
    assertThat((List<String>) at(service("ocr-algorithm"), "profiles")).containsExactly("ocr");
    assertThat((String) at(service("ocr-algorithm"), "build", "dockerfile"))
        .isEqualTo("deploy/docker/ocr-algorithm.Dockerfile");
    // the demo's ocr is the OCR service, and it checks the signature the apps send with
    assertThat((String) environment("worker-app").get("ALGOTASK_ALGORITHMS_OCR_ENDPOINT"))
        .isEqualTo("http://ocr-algorithm:8091/ocr");
    assertThat((String) environment("ocr-algorithm").get("OCR_SIGNING_KEYS"))
        .startsWith(environment("worker-app").get("ALGOTASK_INVOCATION_SIGNING_KEYS_0_ID") + ":")
        .contains("${INVOCATION_SIGNING_KEY:?");
    assertThat((String) environment("temporal").get("DB")).isEqualTo("postgres12");
    assertThat((String) environment("kafka-1").get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
        .isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
    assertThat(environment("kafka-1"))
        .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", 3)
        .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", 2);
  }

  @Test
  void everyImageIsPinnedAndTheAppsAreBuiltFromTheirDockerfiles() {
    services.forEach(
        (name, value) -> {
          Map<String, Object> service = at(services, name);
          var image = (String) service.get("image");
          assertThat(image).as(name).matches("[a-z0-9./-]+:[A-Za-z0-9._-]*\\d[A-Za-z0-9._-]*");
          assertThat(image).as(name).doesNotEndWith(":latest");
          String dockerfile = at(service, "build", "dockerfile");
          if (dockerfile != null) {
            assertThat(Repository.path(dockerfile)).as(name).isRegularFile();
          }
        });
    assertThat((String) at(service("worker-app"), "build", "dockerfile"))
        .isEqualTo("deploy/docker/worker-app.Dockerfile");
    assertThat((String) at(service("api-app-2"), "build", "dockerfile"))
        .isEqualTo("deploy/docker/api-app.Dockerfile");
  }

  @Test
  void eachAppGetsEverySettingItRequiresWithSecretsFromTheEnvironmentFile() {
    for (var app : APPS) {
      var environment = environment(app);
      assertThat(environment).as(app).containsKeys(RequiredSettings.of(app).toArray(String[]::new));
      assertThat(environment.keySet()).as(app).containsAnyElementsOf(RequiredSettings.REDIS);
      environment.forEach(
          (name, value) -> {
            if (SECRET_VARIABLE.matcher(name).matches()) {
              assertThat(String.valueOf(value)).as(name).matches(REQUIRED_INTERPOLATION);
            }
          });
      assertThat((String) environment.get("ALGOTASK_REDIS_URI"))
          .containsPattern(REQUIRED_INTERPOLATION);
      assertThat((String) environment.get("ALGOTASK_CALLBACK_BASEURL"))
          .as("callbacks reach either api-app through nginx")
          .isEqualTo("http://nginx:8080");
    }
  }

  @Test
  void servicesStartOnlyOnceWhatTheyNeedIsHealthy() throws IOException {
    services.forEach(
        (name, value) -> {
          Map<String, Object> dependencies = at(services, name, "depends_on");
          if (dependencies == null) {
            return;
          }
          dependencies.forEach(
              (dependency, condition) -> {
                var expected =
                    ONE_SHOT_JOBS.contains(dependency)
                        ? "service_completed_successfully"
                        : "service_healthy";
                assertThat((String) at(RenderedChart.cast((Map<?, ?>) condition), "condition"))
                    .as(name + " on " + dependency)
                    .isEqualTo(expected);
                if (expected.equals("service_healthy")) {
                  assertThat(hasHealthCheck(dependency))
                      .as(dependency + " has a health check")
                      .isTrue();
                }
              });
        });
    for (var app : APPS) {
      Map<String, Object> dependencies = at(service(app), "depends_on");
      assertThat(dependencies)
          .containsKeys(
              "postgres", "redis", "kafka-1", "kafka-2", "kafka-3", "minio", "temporal-namespace");
    }
  }

  /** A health check of its own, or its image's (the apps' Dockerfiles have one). */
  private static boolean hasHealthCheck(String name) {
    if (at(service(name), "healthcheck") != null) {
      return true;
    }
    String dockerfile = at(service(name), "build", "dockerfile");
    try {
      return dockerfile != null
          && Dockerfile.read(Repository.path(dockerfile))
              .lastStage()
              .last("HEALTHCHECK")
              .isPresent();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void nginxSpreadsHttpAndGrpcOverBothApiApps() throws IOException {
    var conf = Files.readString(Repository.path("deploy/compose/nginx.conf"));
    var api = AppSettings.of("api-app");
    for (var app : List.of("api-app-1", "api-app-2")) {
      assertThat(conf).contains("server " + app + ":" + api.serverPort());
      assertThat(conf).contains("server " + app + ":" + api.grpcPort());
    }
    assertThat(conf).contains("grpc_pass grpc://api_grpc").contains("proxy_pass http://api_http");
    assertThat((List<String>) at(service("nginx"), "ports"))
        .contains(api.serverPort() + ":8080", api.grpcPort() + ":9090");
  }
}
