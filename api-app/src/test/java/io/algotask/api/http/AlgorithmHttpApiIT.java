package io.algotask.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.api.ApiTestSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** The operators' registry API of contract section 5, on algorithms named for this run. */
class AlgorithmHttpApiIT extends ApiTestSupport {
  @Autowired SlotSemaphore semaphore;
  @Autowired JdbcClient jdbc;
  @Autowired PlatformTransactionManager transactions;

  private static String newAlgorithm() {
    return RUN + "-alg-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A task of the algorithm, with a workflow that runs (no worker takes it). */
  private String submitted(String algorithm) throws Exception {
    var taskId = newTaskId("slots");
    var response =
        call(
            "POST",
            "/v1/tasks",
            ALL_TENANTS_KEY,
            "{\"taskId\":\"" + taskId + "\",\"algorithm\":\"" + algorithm + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return taskId;
  }

  private JsonNode listed(String name) throws Exception {
    var response = call("GET", "/v1/algorithms", OPERATOR_TOKEN, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    for (var algorithm : body(response)) {
      if (name.equals(algorithm.path("name").asString())) {
        return algorithm;
      }
    }
    throw new AssertionError(name + " is not listed: " + response.body());
  }

  private JsonNode put(String name, String body) throws Exception {
    var response = call("PUT", "/v1/algorithms/" + name, OPERATOR_TOKEN, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return body(response);
  }

  /** Spring MVC's own refusals take the API's one problem path, with the project's types. */
  @Test
  void refusalsOfTheHttpLayerAreProblemsOfTheApiToo() throws Exception {
    assertProblem(
        call("DELETE", "/v1/algorithms", OPERATOR_TOKEN, null), 405, "METHOD_NOT_ALLOWED");
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/algorithms/" + RUN))
            .header("Authorization", "Bearer " + OPERATOR_TOKEN)
            .header("Content-Type", "text/plain")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"maxAttempts\":2}"))
            .build();
    assertProblem(
        http.send(request, HttpResponse.BodyHandlers.ofString()), 415, "UNSUPPORTED_MEDIA_TYPE");
    assertProblem(call("GET", "/v1/no-such-resource", null, null), 404, "NOT_FOUND");
  }

  @Test
  void registeringNeedsEndpointAndMaxConcurrencyAndTheRestTakesDefaults() throws Exception {
    var name = newAlgorithm();
    for (var incomplete :
        new String[] {"{\"endpoint\":\"http://127.0.0.1:9/a\"}", "{\"maxConcurrency\":2}", "{}"}) {
      var problem =
          assertProblem(
              call("PUT", "/v1/algorithms/" + name, OPERATOR_TOKEN, incomplete),
              400,
              "INVALID_REQUEST");
      assertThat(problem.path("detail").asString()).contains("endpoint", "maxConcurrency");
    }

    var registered = put(name, "{\"endpoint\":\"http://127.0.0.1:9/a\",\"maxConcurrency\":2}");

    assertThat(registered.path("name").asString()).isEqualTo(name);
    assertThat(registered.path("endpoint").asString()).isEqualTo("http://127.0.0.1:9/a");
    assertThat(registered.path("cancelEndpoint").isNull()).isTrue();
    assertThat(registered.path("maxConcurrency").asInt()).isEqualTo(2);
    assertThat(registered.path("queueTimeoutSeconds").asLong()).isEqualTo(3600);
    assertThat(registered.path("executionTimeoutSeconds").asLong()).isEqualTo(600);
    assertThat(registered.path("maxAttempts").asInt()).isEqualTo(3);
    assertThat(registered.path("adaptive").asBoolean()).isFalse();
    assertThat(registered.path("minConcurrency").asInt()).isEqualTo(1);
    assertThat(registered.path("adaptiveWindowSeconds").asLong()).isEqualTo(10);
    assertThat(registered.path("effectiveLimit").asInt()).isEqualTo(2);
    assertThat(registered.path("slotsInUse").asLong()).isZero();
    assertThat(registered.path("tasksWaiting").asLong()).isZero();
    assertThat(listed(name)).isEqualTo(registered);
  }

  @Test
  void aPartialChangeReplacesTheFieldsGivenAndKeepsTheOthers() throws Exception {
    var name = newAlgorithm();
    put(
        name,
        "{\"endpoint\":\"http://127.0.0.1:9/a\",\"cancelEndpoint\":\"http://127.0.0.1:9/c\","
            + "\"maxConcurrency\":3,\"queueTimeoutSeconds\":60,\"executionTimeoutSeconds\":30,"
            + "\"maxAttempts\":2}");

    var changed = put(name, "{\"maxAttempts\":5,\"endpoint\":\"https://algorithms.test/b\"}");

    assertThat(changed.path("maxAttempts").asInt()).isEqualTo(5);
    assertThat(changed.path("endpoint").asString()).isEqualTo("https://algorithms.test/b");
    assertThat(changed.path("cancelEndpoint").asString()).isEqualTo("http://127.0.0.1:9/c");
    assertThat(changed.path("maxConcurrency").asInt()).isEqualTo(3);
    assertThat(changed.path("queueTimeoutSeconds").asLong()).isEqualTo(60);
    assertThat(changed.path("executionTimeoutSeconds").asLong()).isEqualTo(30);
    assertThat(listed(name)).isEqualTo(changed);
  }

  @Test
  void anAdaptiveLimitIsSetWithItsBoundsAndShownAsTheLimitInForce() throws Exception {
    var name = newAlgorithm();
    put(name, "{\"endpoint\":\"http://127.0.0.1:9/a\",\"maxConcurrency\":6}");

    var adaptive =
        put(name, "{\"adaptive\":true,\"minConcurrency\":2,\"adaptiveWindowSeconds\":3}");

    assertThat(adaptive.path("adaptive").asBoolean()).isTrue();
    assertThat(adaptive.path("minConcurrency").asInt()).isEqualTo(2);
    assertThat(adaptive.path("adaptiveWindowSeconds").asLong()).isEqualTo(3);
    assertThat(adaptive.path("effectiveLimit").asInt()).as("it starts at the maximum").isEqualTo(6);
    assertThat(listed(name)).isEqualTo(adaptive);
    var tooHigh = call("PUT", "/v1/algorithms/" + name, OPERATOR_TOKEN, "{\"minConcurrency\":7}");
    assertThat(tooHigh.statusCode()).isEqualTo(400);
    assertThat(tooHigh.body()).contains("minConcurrency");
  }

  @Test
  void tenantWeightsAreSetListedAndReplacedWhole() throws Exception {
    var name = newAlgorithm();
    var registered = put(name, "{\"endpoint\":\"http://127.0.0.1:9/a\",\"maxConcurrency\":2}");
    assertThat(registered.path("tenantWeights").size()).as("every tenant weighs 1").isZero();

    var weighed = put(name, "{\"tenantWeights\":{\"acme\":3,\"beta.eu\":1000}}");

    assertThat(weighed.path("tenantWeights").path("acme").asInt()).isEqualTo(3);
    assertThat(weighed.path("tenantWeights").path("beta.eu").asInt()).isEqualTo(1000);
    assertThat(weighed.path("maxConcurrency").asInt()).as("the other fields stay").isEqualTo(2);
    assertThat(listed(name)).isEqualTo(weighed);
    assertThat(put(name, "{\"maxAttempts\":2}").path("tenantWeights"))
        .isEqualTo(weighed.path("tenantWeights"));
    var replaced = put(name, "{\"tenantWeights\":{\"beta.eu\":2}}");
    assertThat(replaced.path("tenantWeights").size()).isEqualTo(1);
    assertThat(replaced.path("tenantWeights").path("beta.eu").asInt()).isEqualTo(2);

    var cleared = put(name, "{\"tenantWeights\":{}}");
    assertThat(cleared.path("tenantWeights").size()).isZero();
  }

  @Test
  void anInvalidValueIs400NamingItsFieldAndChangesNothing() throws Exception {
    var name = newAlgorithm();
    var before = put(name, "{\"endpoint\":\"http://127.0.0.1:9/a\",\"maxConcurrency\":2}");
    record Case(String body, String field) {}
    for (var c :
        new Case[] {
          new Case("{\"maxConcurrency\":0}", "maxConcurrency"),
          new Case("{\"maxConcurrency\":10001}", "maxConcurrency"),
          new Case("{\"maxConcurrency\":\"many\"}", "maxConcurrency"),
          new Case("{\"endpoint\":\"ftp://127.0.0.1/a\"}", "endpoint"),
          new Case("{\"endpoint\":\"/relative\"}", "endpoint"),
          new Case("{\"cancelEndpoint\":\"not a url\"}", "cancelEndpoint"),
          new Case("{\"queueTimeoutSeconds\":0}", "queueTimeoutSeconds"),
          new Case("{\"executionTimeoutSeconds\":86401}", "executionTimeoutSeconds"),
          new Case("{\"maxAttempts\":11}", "maxAttempts"),
          new Case("{\"tenantWeights\":{\"acme\":0}}", "tenantWeights.acme"),
          new Case("{\"tenantWeights\":{\"acme\":1001}}", "tenantWeights.acme"),
          new Case("{\"tenantWeights\":{\"acme\":\"heavy\"}}", "tenantWeights.acme"),
          new Case("{\"tenantWeights\":{\"-acme\":2}}", "tenantWeights"),
          new Case("{\"tenantWeights\":[3]}", "tenantWeights"),
          new Case("not json", null),
          new Case("", null),
        }) {
      var problem =
          assertProblem(
              call("PUT", "/v1/algorithms/" + name, OPERATOR_TOKEN, c.body()),
              400,
              "INVALID_REQUEST");
      if (c.field() == null) {
        assertThat(problem.has("field")).as(c.body()).isFalse();
      } else {
        assertThat(problem.path("field").asString()).as(c.body()).isEqualTo(c.field());
      }
    }
    var badName =
        assertProblem(
            call("PUT", "/v1/algorithms/-" + name, OPERATOR_TOKEN, "{\"maxAttempts\":2}"),
            400,
            "INVALID_REQUEST");
    assertThat(badName.path("field").asString()).isEqualTo("name");

    assertThat(listed(name)).isEqualTo(before);
  }

  @Test
  void anAlgorithmRegisteredByAnotherAppMomentsAgoTakesTasksAtOnce() throws Exception {
    var name = newAlgorithm();
    // as another api-app registers it, and before this one hears the notice (which travels on its
    // own; here it is left out, so that only asking the store can find the algorithm)
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              jdbc.sql("alter table algorithm disable trigger algorithm_changed").update();
              jdbc.sql(
                      "insert into algorithm (name, endpoint, max_concurrency,"
                          + " queue_timeout_seconds, execution_timeout_seconds, max_attempts)"
                          + " values (:name, 'http://127.0.0.1:9/a', 1, 60, 60, 1)")
                  .param("name", name)
                  .update();
              jdbc.sql("alter table algorithm enable trigger algorithm_changed").update();
            });

    submitted(name);

    assertThat(listed(name).path("maxConcurrency").asInt()).isEqualTo(1);
  }

  @Test
  void withoutTheOperatorTokenIs401() throws Exception {
    var name = newAlgorithm();
    for (var bearer : new String[] {null, ACME_KEY, ALL_TENANTS_KEY, OPERATOR_TOKEN + "x"}) {
      assertProblem(call("GET", "/v1/algorithms", bearer, null), 401, "UNAUTHENTICATED");
      assertProblem(
          call(
              "PUT",
              "/v1/algorithms/" + name,
              bearer,
              "{\"endpoint\":\"http://127.0.0.1:9/a\",\"maxConcurrency\":2}"),
          401,
          "UNAUTHENTICATED");
    }
    var all = body(call("GET", "/v1/algorithms", OPERATOR_TOKEN, null));
    assertThat(all.valueStream().map(a -> a.path("name").asString())).doesNotContain(name);
  }

  @Test
  void theListShowsSlotsAndWaitersAndARaiseHandsSlotsOnAtOnce() throws Exception {
    var name = newAlgorithm();
    put(name, "{\"endpoint\":\"http://127.0.0.1:9/a\",\"maxConcurrency\":1}");
    // tasks with live workflows, so that no slot reconciler on the stack frees them
    var holder = submitted(name);
    var waiter = submitted(name);
    var now = Instant.now();
    var held = semaphore.acquire(new SlotTask(name, holder), 3, now, Duration.ofMinutes(5), 1);
    assertThat(held.granted()).isTrue();
    assertThat(
            semaphore
                .acquire(new SlotTask(name, waiter), 3, now, Duration.ofMinutes(5), 1)
                .granted())
        .isFalse();
    try {
      var full = listed(name);
      assertThat(full.path("effectiveLimit").asInt()).isEqualTo(1);
      assertThat(full.path("slotsInUse").asLong()).isEqualTo(1);
      assertThat(full.path("tasksWaiting").asLong()).isEqualTo(1);

      var raised = put(name, "{\"maxConcurrency\":2}");

      assertThat(raised.path("maxConcurrency").asInt()).isEqualTo(2);
      assertThat(raised.path("effectiveLimit").asInt()).as("applied at once").isEqualTo(2);
      assertThat(raised.path("slotsInUse").asLong()).as("handed to the waiter").isEqualTo(2);
      assertThat(raised.path("tasksWaiting").asLong()).isZero();
      assertThat(semaphore.limit(name)).hasValue(2);
      assertThat(listed(name).path("effectiveLimit").asInt()).isEqualTo(2);
    } finally {
      semaphore.leave(new SlotTask(name, holder), 2);
      semaphore.leave(new SlotTask(name, waiter), 2);
    }
  }
}
