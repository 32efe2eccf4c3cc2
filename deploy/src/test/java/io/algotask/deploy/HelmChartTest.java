package io.algotask.deploy;

import static io.algotask.deploy.RenderedChart.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/** The Helm chart deploy/helm/algotask, linted and rendered with its values and the examples. */
class HelmChartTest {
  static final String CLOUD = "deploy/helm/examples/temporal-cloud-aws.yaml";
  static final String SELF_HOSTED = "deploy/helm/examples/self-hosted.yaml";
  static final List<String> APPS = List.of("worker-app", "api-app");

  /** Environment variables whose value is a credential, by their names. */
  private static final Pattern SECRET_VARIABLE =
      Pattern.compile(".*(PASSWORD|SECRET|SECRETKEY|ACCESSKEY|TOKEN|APIKEY|_KEY)$");

  /** Application properties whose value is a credential, by the last part of their names. */
  private static final Pattern SECRET_PROPERTY =
      Pattern.compile(
          ".*\\.(password|secret|secret-key|access-key|token|operator-token|api-key|key|key-password|sasl\\.jaas\\.config)$");

  static RenderedChart render(String shape) throws Exception {
    return shape.isEmpty() ? Helm.template() : Helm.template(shape);
  }

  @EveryShape
  void lintsClean(String shape) throws Exception {
    var arguments = new ArrayList<>(List.of("lint", "--strict", Helm.CHART.toString()));
    if (!shape.isEmpty()) {
      arguments.addAll(List.of("--values", Repository.path(shape).toString()));
    }
    var result = Helm.run(arguments.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.output() + result.errors()).isZero();
    assertThat(result.output()).contains("0 chart(s) failed");
  }

  @Test
  void rendersEveryKindTheDefaultsAskFor() throws Exception {
    var chart = Helm.template();

    assertThat(chart.kinds())
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "ConfigMap",
            "Service",
            "Service",
            "Service",
            "Deployment",
            "Deployment",
            "PodDisruptionBudget",
            "PodDisruptionBudget",
            "HorizontalPodAutoscaler");
    var hpa = chart.ofKind("HorizontalPodAutoscaler").get(0);
    assertThat((String) at(hpa, "spec", "scaleTargetRef", "name")).endsWith("-worker-app");
    // the autoscaler owns the worker's replica count, the chart the api's
    assertThat((Object) at(chart.deployment("worker-app"), "spec", "replicas")).isNull();
    assertThat((Object) at(chart.deployment("api-app"), "spec", "replicas")).isEqualTo(2);
  }

  @Test
  void theDashboardAndTheAlertRulesAreOptionalAndTheFilesOfTheRepository() throws Exception {
    assertThat(Helm.template().kinds()).doesNotContain("PrometheusRule");
    assertThat(Helm.template().ofKind("ConfigMap")).hasSize(1);

    var chart = Helm.template(CLOUD);
    var dashboard =
        chart.ofKind("ConfigMap").stream()
            .filter(m -> ((String) at(m, "metadata", "name")).endsWith("-dashboard"))
            .findFirst()
            .orElseThrow();
    assertThat((String) at(dashboard, "metadata", "labels", "grafana_dashboard")).isEqualTo("1");
    var json = JsonMapper.builder().build();
    assertThat(json.readTree((String) at(dashboard, "data", "algotask-dashboard.json")))
        .isEqualTo(
            json.readTree(Repository.path("deploy/grafana/algotask-dashboard.json").toFile()));
    Map<String, Object> alerts =
        new Yaml()
            .load(Files.readString(Repository.path("deploy/prometheus/algotask-alerts.yaml")));
    var rule = chart.ofKind("PrometheusRule").get(0);
    assertThat((Object) at(rule, "spec")).isEqualTo(alerts);
  }

  @Test
  void invocationSigningIsOptionalAndItsKeysComeFromASecret() throws Exception {
    for (var app : APPS) {
      assertThat(Helm.template().environment(app))
          .doesNotContainKey("ALGOTASK_INVOCATION_SIGNING_ACTIVEKEYID");
      var environment = Helm.template(CLOUD).environment(app);
      assertThat((String) at(environment.get("ALGOTASK_INVOCATION_SIGNING_ACTIVEKEYID"), "value"))
          .isEqualTo("invocations-2026-12");
      assertThat((String) at(environment.get("ALGOTASK_INVOCATION_SIGNING_KEYS_0_ID"), "value"))
          .isEqualTo("invocations-2026-12");
      var secret = environment.get("ALGOTASK_INVOCATION_SIGNING_KEYS_0_SECRET");
      assertThat((String) at(secret, "valueFrom", "secretKeyRef", "name"))
          .isEqualTo("algotask-invocation-keys");
      assertThat((String) at(secret, "valueFrom", "secretKeyRef", "key"))
          .isEqualTo("invocations-2026-12");
    }
  }

  @Test
  void theServiceMonitorIsOptional() throws Exception {
    assertThat(Helm.template().kinds()).doesNotContain("ServiceMonitor");

    var monitor = Helm.template(CLOUD).ofKind("ServiceMonitor").get(0);
    List<Map<String, Object>> endpoints = at(monitor, "spec", "endpoints");
    assertThat(endpoints)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("port")).isEqualTo("management");
              assertThat(e.get("path")).isEqualTo("/actuator/prometheus");
            });
  }

  @EveryShape
  void servicesAndProbesUseTheAppsPorts(String shape) throws Exception {
    var chart = render(shape);
    for (var app : APPS) {
      var settings = AppSettings.of(app);
      var container = chart.container(app);
      List<Map<String, Object>> ports = at(container, "ports");
      var byName = new java.util.HashMap<String, Object>();
      ports.forEach(p -> byName.put((String) p.get("name"), p.get("containerPort")));
      assertThat(byName).containsEntry("http", settings.serverPort());
      assertThat(byName).containsEntry("management", settings.managementPort());
      if (settings.grpcPort() != null) {
        assertThat(byName).containsEntry("grpc", settings.grpcPort());
      }

      assertThat((String) at(container, "startupProbe", "httpGet", "path"))
          .isEqualTo("/actuator/health/liveness");
      assertThat((String) at(container, "livenessProbe", "httpGet", "path"))
          .isEqualTo("/actuator/health/liveness");
      assertThat((String) at(container, "readinessProbe", "httpGet", "path"))
          .isEqualTo("/actuator/health/readiness");
      for (var probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        assertThat((Object) at(container, probe, "httpGet", "port")).as(probe).isEqualTo("http");
      }
    }
    var servicePorts = new ArrayList<Object>();
    for (var service : chart.ofKind("Service")) {
      List<Map<String, Object>> ports = at(service, "spec", "ports");
      ports.forEach(p -> servicePorts.add(p.get("name") + ":" + p.get("port")));
    }
    var api = AppSettings.of("api-app");
    var worker = AppSettings.of("worker-app");
    assertThat(servicePorts)
        .containsExactlyInAnyOrder(
            "http:" + api.serverPort(),
            "grpc:" + api.grpcPort(),
            "management:" + api.managementPort(),
            "management:" + worker.managementPort());
  }

  @EveryShape
  void podsRunAsNonRootWithAReadOnlyRoot(String shape) throws Exception {
    var chart = render(shape);
    for (var app : APPS) {
      var pod = chart.deployment(app);
      Map<String, Object> podSecurity = at(pod, "spec", "template", "spec", "securityContext");
      assertThat(podSecurity).containsEntry("runAsNonRoot", true);
      assertThat((Integer) podSecurity.get("runAsUser")).isPositive();
      var container = chart.container(app);
      assertThat((Object) at(container, "securityContext", "allowPrivilegeEscalation"))
          .isEqualTo(false);
      assertThat((Object) at(container, "securityContext", "readOnlyRootFilesystem"))
          .isEqualTo(true);
      List<Map<String, Object>> mounts = at(container, "volumeMounts");
      assertThat(mounts).extracting(m -> m.get("mountPath")).contains("/tmp");
    }
  }

  @EveryShape
  void shutdownIsGracefulWithinTheGracePeriod(String shape) throws Exception {
    var chart = render(shape);
    var properties = chart.applicationProperties();
    assertThat(properties).containsEntry("server.shutdown", "graceful");
    var phase =
        java.time.Duration.parse(
            "PT" + properties.get("spring.lifecycle.timeout-per-shutdown-phase"));
    for (var app : APPS) {
      var pod = chart.deployment(app);
      int grace = at(pod, "spec", "template", "spec", "terminationGracePeriodSeconds");
      List<String> preStop = at(chart.container(app), "lifecycle", "preStop", "exec", "command");
      var pause = Integer.parseInt(preStop.get(1));
      assertThat(grace).as(app).isGreaterThan((int) phase.toSeconds() + pause);
    }
  }

  @EveryShape
  void everyCredentialComesFromASecret(String shape) throws Exception {
    var chart = render(shape);
    assertThat(chart.kinds()).as("the chart creates no Secret").doesNotContain("Secret");

    for (var app : APPS) {
      var environment = chart.environment(app);
      environment.forEach(
          (name, variable) -> {
            if (SECRET_VARIABLE.matcher(name).matches()) {
              assertThat(variable).as(name).doesNotContainKey("value");
              assertThat((String) at(variable, "valueFrom", "secretKeyRef", "name"))
                  .as(name)
                  .isNotBlank();
            }
          });
      for (var placeholder : chart.placeholders()) {
        assertThat((String) at(environment.get(placeholder), "valueFrom", "secretKeyRef", "name"))
            .as(app + ": ${" + placeholder + "} from a Secret")
            .isNotBlank();
      }
    }
    chart
        .applicationProperties()
        .forEach(
            (name, value) -> {
              var text = String.valueOf(value);
              if (SECRET_PROPERTY.matcher(name).matches() && !name.endsWith(".key-file")) {
                assertThat(text).as(name + " is a placeholder, not a value").contains("${");
              }
              if (text.matches("rediss?://.*@.*")) {
                assertThat(text).as(name).contains("${REDIS_PASSWORD}@");
              }
            });
  }

  @Test
  void temporalCredentialsAreMountedOrReferred() throws Exception {
    var mtls = Helm.template(SELF_HOSTED);
    var properties = mtls.applicationProperties();
    for (var app : APPS) {
      List<Map<String, Object>> volumes =
          at(mtls.deployment(app), "spec", "template", "spec", "volumes");
      assertThat(volumes)
          .anySatisfy(
              v ->
                  assertThat((String) at(v, "secret", "secretName"))
                      .isEqualTo("algotask-temporal-tls"));
      List<Map<String, Object>> mounts = at(mtls.container(app), "volumeMounts");
      var mountPaths = mounts.stream().map(m -> (String) m.get("mountPath")).toList();
      assertThat(mountPaths)
          .anySatisfy(
              path ->
                  assertThat((String) properties.get("spring.temporal.connection.mtls.key-file"))
                      .startsWith(path + "/"));
    }

    var cloud = Helm.template(CLOUD);
    assertThat(cloud.applicationProperties())
        .containsEntry("spring.temporal.connection.enable-https", true);
    for (var app : APPS) {
      assertThat(cloud.environment(app)).containsKey("SPRING_TEMPORAL_CONNECTION_APIKEY");
    }
  }

  @EveryShape
  void eachAppGetsEverySettingItRequires(String shape) throws Exception {
    var chart = render(shape);
    var configured = new java.util.HashSet<String>();
    chart.applicationProperties().keySet().stream()
        .map(FlatYaml::environmentVariable)
        .forEach(configured::add);
    for (var app : APPS) {
      var given = new java.util.HashSet<>(configured);
      given.addAll(chart.environment(app).keySet());
      for (var setting : RequiredSettings.of(app)) {
        assertThat(given).as(app + " is given " + setting).contains(setting);
      }
      assertThat(given)
          .as(app + ": one Redis or a Redis Cluster")
          .containsAnyElementsOf(RequiredSettings.REDIS);
      var staticKeys = RequiredSettings.STORAGE_KEYS.stream().filter(given::contains).count();
      assertThat(staticKeys).as(app + ": S3 keys").isIn(0L, 2L);
    }
  }
}
