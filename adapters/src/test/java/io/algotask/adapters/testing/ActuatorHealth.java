package io.algotask.adapters.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads an app's actuator health over HTTP, as an operator or a load balancer would. */
public final class ActuatorHealth {
  /** The stack services every app reports on, each as a health component of its own. */
  public static final String[] STACK_COMPONENTS = {"temporal", "postgres", "redis", "kafka", "s3"};

  private ActuatorHealth() {}

  /** The probes' groups: what each one's status depends on. */
  public static final String[] READINESS_MEMBERS = {"postgres", "redis", "kafka", "temporal"};

  /** The full health, as the management port serves it. */
  public static JsonNode read(int managementPort) throws Exception {
    return JsonMapper.builder().build().readTree(get(managementPort, "/actuator/health").body());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Asserts that the business port serves the liveness and readiness probes, status only, and
   * nothing else of the actuator; and that the management port serves the rest.
   */
  public static void assertProbesAloneOnTheBusinessPort(int businessPort, int managementPort)
      throws Exception {
    assertThat(businessPort).isNotEqualTo(managementPort);
    for (var probe : new String[] {"liveness", "readiness"}) {
      var response = get(businessPort, "/actuator/health/" + probe);
      assertThat(response.statusCode()).as(probe).isEqualTo(200);
      assertThat(response.body()).as(probe).isEqualTo("{\"status\":\"UP\"}");
    }
    for (var hidden :
        new String[] {
          "/actuator/health", "/actuator/prometheus", "/actuator/metrics", "/actuator"
        }) {
      assertThat(get(businessPort, hidden).statusCode()).as(hidden).isEqualTo(404);
    }
    assertThat(get(managementPort, "/actuator/prometheus").statusCode()).isEqualTo(200);
    assertThat(read(managementPort).path("components").size()).isGreaterThan(1);
  }

  /** Asserts that readiness depends on the stack services and liveness on none of them. */
  public static void assertProbeGroups(HealthEndpointGroups groups) {
    var liveness = groups.get("liveness");
    var readiness = groups.get("readiness");
    assertThat(readiness.isMember("readinessState")).isTrue();
    assertThat(liveness.isMember("livenessState")).isTrue();
    for (var member : READINESS_MEMBERS) {
      assertThat(readiness.isMember(member)).as("readiness includes %s", member).isTrue();
      assertThat(liveness.isMember(member)).as("liveness excludes %s", member).isFalse();
    }
  }

  /** Asserts that the app and each stack service are UP, naming the one that is not. */
  public static void assertStackUp(int managementPort) throws Exception {
    var health = read(managementPort);
    for (var component : STACK_COMPONENTS) {
      assertThat(health.path("components").path(component).path("status").asString())
          .as("health of %s: %s", component, health.path("components").path(component))
          .isEqualTo("UP");
    }
    assertThat(health.path("status").asString()).as("overall health: %s", health).isEqualTo("UP");
  }
}
