package io.algotask.adapters.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads an app's actuator health over HTTP, as an operator or a load balancer would. */
public final class ActuatorHealth {
  /** The stack services every app reports on, each as a health component of its own. */
  public static final String[] STACK_COMPONENTS = {"temporal", "postgres", "redis", "kafka", "s3"};

  private ActuatorHealth() {}

  public static JsonNode read(int port) throws Exception {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JsonMapper.builder().build().readTree(response.body());
  }

  /** Asserts that the app and each stack service are UP, naming the one that is not. */
  public static void assertStackUp(int port) throws Exception {
    var health = read(port);
    for (var component : STACK_COMPONENTS) {
      assertThat(health.path("components").path(component).path("status").asString())
          .as("health of %s: %s", component, health.path("components").path(component))
          .isEqualTo("UP");
    }
    assertThat(health.path("status").asString()).as("overall health: %s", health).isEqualTo("UP");
  }
}
