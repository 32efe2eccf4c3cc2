package io.algotask.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * The names the adaptive and fairness scenarios use of the slot pool's adaptive limits and weighted
 * fair share (the registry's settings, what {@code GET /v1/algorithms} shows), and of the sample
 * service's hidden capacity: every one of them here, in one place.
 */
final class SlotFeatures {
  /** The registry as operators read it, on the api-app's server port. */
  static final String REGISTRY_PATH = "/v1/algorithms";

  /** The sample service's hidden capacity, read and changed at run time. */
  static final String CAPACITY_PATH = "/capacity";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** One algorithm's slots now, as the registry shows them. */
  record Slots(int limit, long inUse, long waiting) {}

  private SlotFeatures() {}

  /**
   * An adaptive limit between min and the algorithm's {@code max-concurrency}, with the given
   * window: the start-up properties after {@code algotask.algorithms.<name>.}.
   */
  static List<String> adaptiveProperties(int min, Duration window) {
    return List.of(
        "adaptive=true", "min-concurrency=" + min, "adaptive-window=" + window.toSeconds() + "s");
  }

  /** The tenants' weights in the fair share: the start-up properties, as above. */
  static List<String> tenantWeightProperties(Map<String, Integer> weights) {
    var properties = new ArrayList<String>();
    new TreeMap<>(weights)
        .forEach((tenant, weight) -> properties.add("tenant-weights." + tenant + "=" + weight));
    return properties;
  }

  /** The sample service's arguments for a hidden capacity. */
  static List<String> sampleCapacityArguments(int capacity) {
    return List.of("--capacity=" + capacity);
  }

  /**
   * The algorithm's slots in the registry's list ({@code GET /v1/algorithms}): the limit in force,
   * slots held and tasks waiting; null when it is not listed.
   */
  static Slots slotsOf(JsonNode registry, String algorithm) {
    for (var entry : registry) {
      if (entry.path("name").asString().equals(algorithm)) {
        return new Slots(
            entry.path("effectiveLimit").asInt(0),
            entry.path("slotsInUse").asLong(0),
            entry.path("tasksWaiting").asLong(0));
      }
    }
    return null;
  }

  /** Invocations the sample service answered 429 because its hidden capacity was reached. */
  static long overCapacity(JsonNode algorithmStats) {
    return algorithmStats.path("overCapacity").asLong(0);
  }

  /** Reads the registry from the api-app, with the operator token. */
  static JsonNode registry(int apiPort, String operatorToken)
      throws IOException, InterruptedException {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + REGISTRY_PATH))
            .header("Authorization", "Bearer " + operatorToken)
            .timeout(REQUEST_TIMEOUT)
            .GET()
            .build();
    return BenchRun.JSON.readTree(send(request));
  }

  /** Moves the sample service's hidden capacity; the invocations from now on meet it. */
  static void setCapacity(int samplePort, int capacity) throws IOException, InterruptedException {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + samplePort + CAPACITY_PATH))
            .header("Content-Type", "application/json")
            .timeout(REQUEST_TIMEOUT)
            .PUT(HttpRequest.BodyPublishers.ofString("{\"capacity\": " + capacity + "}"))
            .build();
    send(request);
  }

  private static String send(HttpRequest request) throws IOException, InterruptedException {
    var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          request.method()
              + " "
              + request.uri()
              + ": "
              + response.statusCode()
              + " "
              + response.body());
    }
    return response.body();
  }
}
