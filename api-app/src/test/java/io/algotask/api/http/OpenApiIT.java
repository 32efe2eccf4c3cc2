package io.algotask.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.algorithms.AlgorithmClient;
import io.algotask.adapters.algorithms.InvocationBody;
import io.algotask.adapters.algorithms.InvocationSigner;
import io.algotask.api.ApiTestSupport;
import io.algotask.api.callback.CallbackBody;
import io.algotask.api.intake.TaskRequestRules;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI description at /v1/openapi.json says what the API does: its paths alone, each
 * operation with the statuses the other API tests see it answer, problems for refusals, and the
 * credential each one takes; and the calls Algotask makes to algorithm services, as webhooks.
 */
class OpenApiIT extends ApiTestSupport {
  private static final Map<String, Set<String>> STATUSES =
      Map.of(
          "post /v1/tasks", Set.of("200", "202", "400", "401", "403", "409", "413"),
          "get /v1/tasks/{taskId}", Set.of("200", "401", "404"),
          "delete /v1/tasks/{taskId}", Set.of("202", "401", "404", "409"),
          "get /v1/algorithms", Set.of("200", "401"),
          "put /v1/algorithms/{name}", Set.of("200", "400", "401", "413"),
          "post /v1/tasks/{taskId}/callback",
              Set.of("200", "202", "400", "401", "404", "409", "413"),
          "post /v1/tasks/{taskId}/progress", Set.of("202", "400", "401", "404", "409", "413"));

  private static final Map<String, String> SCHEMES =
      Map.of(
          "/v1/tasks", "clientKey",
          "/v1/tasks/{taskId}", "clientKey",
          "/v1/algorithms", "operatorToken",
          "/v1/algorithms/{name}", "operatorToken",
          "/v1/tasks/{taskId}/callback", "callbackToken",
          "/v1/tasks/{taskId}/progress", "callbackToken");

  private JsonNode description() throws Exception {
    var response = call("GET", "/v1/openapi.json", null, null);
    assertThat(response.statusCode()).as("needs no credential").isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    // kept for review, and for clients generated from it
    Files.writeString(Path.of("target", "openapi.json"), response.body());
    return body(response);
  }

  @Test
  void describesEachOperationOfTheApiWithTheStatusesItAnswers() throws Exception {
    var api = description();

    assertThat(api.path("openapi").asString()).startsWith("3.");
    var paths = api.path("paths");
    assertThat(new TreeSet<>(paths.propertyNames()))
        .as("the /v1 API alone, not the actuator")
        .isEqualTo(new TreeSet<>(SCHEMES.keySet()));
    var seen = new TreeSet<String>();
    for (var path : paths.propertyNames()) {
      for (var method : paths.path(path).propertyNames()) {
        var operation = paths.path(path).path(method);
        var name = method + " " + path;
        seen.add(name);
        assertThat(new TreeSet<>(operation.path("responses").propertyNames()))
            .as(name)
            .isEqualTo(new TreeSet<>(STATUSES.get(name)));
        assertThat(operation.path("operationId").asString()).as(name).isNotBlank();
        assertThat(operation.path("security").get(0).propertyNames())
            .as("the credential of %s", name)
            .containsExactly(SCHEMES.get(path));
        assertThat(operation.path("parameters").valueStream().map(p -> p.path("name").asString()))
            .as("the bearer is the security scheme's, not a parameter")
            .doesNotContain("Authorization");
        for (var status : operation.path("responses").propertyNames()) {
          var content = operation.path("responses").path(status).path("content");
          if (status.startsWith("4")) {
            assertThat(content.propertyNames())
                .as("%s %s", name, status)
                .containsExactly("application/problem+json");
            assertThat(
                    content.path("application/problem+json").path("schema").path("$ref").asString())
                .isEqualTo("#/components/schemas/Problem");
          }
        }
      }
    }
    assertThat(seen).isEqualTo(STATUSES.keySet());
  }

  /**
   * The served schema of a task request says what the parser checks: every field of {@link
   * TaskRequestRules}, with its bounds, pattern, size limit, default and whether it is required.
   * {@code TaskRequestRulesTest} holds the parser to the same rules.
   */
  @Test
  void theTaskRequestSchemaShowsEveryRuleTheParserChecks() throws Exception {
    var task = description().path("components").path("schemas").path("TaskRequest");
    var properties = task.path("properties");

    assertThat(properties.propertyNames())
        .containsExactlyElementsOf(
            TaskRequestRules.FIELDS.stream().map(TaskRequestRules.Field::name).toList());
    assertThat(task.path("required").valueStream().map(JsonNode::asString))
        .containsExactlyInAnyOrderElementsOf(
            TaskRequestRules.FIELDS.stream()
                .filter(TaskRequestRules.Field::required)
                .map(TaskRequestRules.Field::name)
                .toList());
    for (var field : TaskRequestRules.FIELDS) {
      var property = properties.path(field.name());
      var type =
          switch (field.shape()) {
            case STRING -> "string";
            case INTEGER -> "integer";
            case OBJECT, STRING_MAP -> "object";
            case DOCUMENT -> null;
          };
      if (type == null) {
        assertThat(property.path("$ref").asString()).isEqualTo("#/components/schemas/TaskInput");
        continue;
      }
      assertThat(property.path("type").asString()).as(field.name()).isEqualTo(type);
      assertThat(valueOf(property, "pattern"))
          .as(field.name())
          .isEqualTo(field.pattern() == null ? null : "^" + field.pattern().pattern() + "$");
      assertThat(valueOf(property, "minimum")).as(field.name()).isEqualTo(field.minimum());
      assertThat(valueOf(property, "maximum")).as(field.name()).isEqualTo(field.maximum());
      assertThat(valueOf(property, "x-max-bytes")).as(field.name()).isEqualTo(field.maxBytes());
      assertThat(valueOf(property, "default")).as(field.name()).isEqualTo(field.defaultValue());
    }
    var input = description().path("components").path("schemas").path("TaskInput");
    assertThat(input.path("required").valueStream().map(JsonNode::asString))
        .containsExactly(TaskRequestRules.INPUT_URI);
  }

  /**
   * The calls Algotask makes are webhooks whose bodies are those the sender writes, with the
   * answers the sender tells apart; the callback and progress say what a taken report is answered.
   */
  @Test
  void describesTheCallsToAlgorithmServicesAsWebhooks() throws Exception {
    var api = description();
    var webhooks = api.path("webhooks");
    assertThat(webhooks.propertyNames()).containsExactlyInAnyOrder("invocation", "cancel");

    var invocation = webhooks.path("invocation").path("post");
    assertThat(invocation.path("parameters").valueStream())
        .anySatisfy(
            header -> {
              assertThat(header.path("in").asString()).isEqualTo("header");
              assertThat(header.path("name").asString()).isEqualTo(InvocationSigner.HEADER);
              assertThat(header.path("description").asString()).contains("t=", "kid=", "v1=");
            });
    var body =
        schema(
            api,
            invocation.path("requestBody").path("content").path("application/json").path("schema"));
    assertSameFields(body, InvocationBody.class);
    assertThat(body.path("required").valueStream().map(JsonNode::asString))
        .as("all but what a request may lack")
        .containsExactlyInAnyOrderElementsOf(
            Stream.of(InvocationBody.class.getRecordComponents())
                .map(RecordComponent::getName)
                .filter(name -> !Set.of("params", "input").contains(name))
                .toList());
    var answers = invocation.path("responses");
    assertThat(new TreeSet<>(answers.propertyNames()))
        .containsExactlyInAnyOrder("2XX", "3XX", "429", "503", "4XX", "5XX");
    for (int status = 200; status < 600; status++) {
      var answer = new AlgorithmClient.Answer(status, Optional.empty(), "");
      var described =
          answers.has(Integer.toString(status))
              ? answers.path(Integer.toString(status))
              : answers.path(status / 100 + "XX");
      var verdict =
          answer.accepted()
              ? "Accepted"
              : answer.busy() ? "Busy" : answer.refused() ? "refused" : "Sent again";
      assertThat(described.path("description").asString()).as("HTTP %d", status).contains(verdict);
    }
    assertThat(answers.path("429").path("headers").propertyNames()).containsExactly("Retry-After");

    var cancel =
        schema(
            api,
            webhooks
                .path("cancel")
                .path("post")
                .path("requestBody")
                .path("content")
                .path("application/json")
                .path("schema"));
    assertThat(cancel.path("properties").propertyNames())
        .containsExactlyInAnyOrder("taskId", "attempt");

    var paths = api.path("paths");
    var callback = paths.path("/v1/tasks/{taskId}/callback").path("post");
    assertSameFields(
        schema(
            api,
            callback.path("requestBody").path("content").path("application/json").path("schema")),
        CallbackBody.class,
        api);
    for (var taken :
        List.of(
            callback.path("responses").path("202"),
            callback.path("responses").path("200"),
            paths.path("/v1/tasks/{taskId}/progress").path("post").path("responses").path("202"))) {
      var receipt =
          schema(api, taken.path("content").path("application/json").path("schema"))
              .path("properties")
              .path("status");
      assertThat(receipt.path("enum").valueStream().map(JsonNode::asString))
          .containsExactlyInAnyOrder("accepted", "accepted before");
    }
  }

  /** The properties of a schema are the components of a record, nested records alike. */
  private static void assertSameFields(JsonNode schema, Class<?> type) {
    assertSameFields(schema, type, null);
  }

  /** As above, following references into {@code api}'s components when it is given. */
  private static void assertSameFields(JsonNode schema, Class<?> type, JsonNode api) {
    var properties = schema.path("properties");
    assertThat(new TreeSet<>(properties.propertyNames()))
        .as(type.getSimpleName())
        .isEqualTo(
            Stream.of(type.getRecordComponents())
                .map(RecordComponent::getName)
                .collect(Collectors.toCollection(TreeSet::new)));
    for (var component : type.getRecordComponents()) {
      var nested = component.getType();
      if (nested.isRecord() && nested.getEnclosingClass() == type) {
        var property = properties.path(component.getName());
        assertSameFields(property.has("$ref") ? schema(api, property) : property, nested, api);
      }
    }
  }

  /** A keyword's value: an Integer, a String, or null when the keyword is absent. */
  private static Object valueOf(JsonNode schema, String keyword) {
    var value = schema.path(keyword);
    return value.isMissingNode() ? null : value.isInt() ? value.asInt() : value.asString();
  }

  /** The schema a {@code $ref} names. */
  private static JsonNode schema(JsonNode api, JsonNode reference) {
    var ref = reference.path("$ref").asString();
    assertThat(ref).startsWith("#/components/schemas/");
    return api.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
  }

  @Test
  void describesTheBearerSchemesAndTheRequestBodies() throws Exception {
    var api = description();
    var components = api.path("components");

    for (var scheme : Set.of("clientKey", "operatorToken", "callbackToken")) {
      var described = components.path("securitySchemes").path(scheme);
      assertThat(described.path("type").asString()).as(scheme).isEqualTo("http");
      assertThat(described.path("scheme").asString()).as(scheme).isEqualTo("bearer");
    }
    var problem = components.path("schemas").path("Problem").path("properties");
    assertThat(problem.propertyNames()).contains("status", "detail", "code", "field", "taskStatus");

    var submit = api.path("paths").path("/v1/tasks").path("post").path("requestBody");
    assertThat(submit.path("required").asBoolean()).isTrue();
    assertThat(
            submit.path("content").path("application/json").path("schema").path("$ref").asString())
        .isEqualTo("#/components/schemas/TaskRequest");
    var task = components.path("schemas").path("TaskRequest");
    assertThat(task.path("required").valueStream().map(JsonNode::asString))
        .containsExactlyInAnyOrder("taskId", "algorithm");
    assertThat(task.path("properties").propertyNames())
        .containsExactlyInAnyOrder(
            "taskId",
            "algorithm",
            "tenant",
            "priority",
            "input",
            "params",
            "replyTopic",
            "queueTimeoutSeconds",
            "executionTimeoutSeconds",
            "maxAttempts",
            "metadata");
    assertThat(task.path("properties").path("priority").path("maximum").asInt()).isEqualTo(5);

    var register = api.path("paths").path("/v1/algorithms/{name}").path("put").path("requestBody");
    var change = schema(api, register.path("content").path("application/json").path("schema"));
    assertThat(change.path("properties").propertyNames())
        .containsExactlyInAnyOrder(
            "endpoint",
            "cancelEndpoint",
            "maxConcurrency",
            "queueTimeoutSeconds",
            "executionTimeoutSeconds",
            "maxAttempts",
            "adaptive",
            "minConcurrency",
            "adaptiveWindowSeconds",
            "tenantWeights");

    var view =
        api.path("paths").path("/v1/tasks/{taskId}").path("get").path("responses").path("200");
    var viewSchema = schema(api, view.path("content").path("application/json").path("schema"));
    assertThat(viewSchema.path("properties").propertyNames())
        .contains(
            "taskId",
            "algorithm",
            "tenant",
            "priority",
            "status",
            "attempts",
            "queuePosition",
            "progress",
            "output",
            "error",
            "submittedAt",
            "startedAt",
            "finishedAt",
            "lateCallbacks",
            "repeatedCallbacks");
    var viewed = viewSchema.path("properties");
    for (var counter : Set.of("lateCallbacks", "repeatedCallbacks")) {
      assertThat(viewed.path(counter).path("type").asString()).as(counter).isEqualTo("integer");
    }
    var status = viewed.path("status");
    assertThat((status.has("$ref") ? schema(api, status) : status).path("enum").valueStream())
        .map(JsonNode::asString)
        .containsExactlyInAnyOrder(
            "ACCEPTED",
            "QUEUED",
            "RUNNING",
            "SUCCEEDED",
            "FAILED",
            "TIMED_OUT",
            "CANCELLED",
            "REJECTED");
    // the task's output and error are not the callback's, though their records share names
    assertThat(schema(api, viewed.path("output")).path("properties").propertyNames())
        .contains("uri", "url", "urlExpiresAt", "contentType", "sizeBytes");
    assertThat(schema(api, viewed.path("error")).path("properties").propertyNames())
        .containsExactlyInAnyOrder("code", "message");
    var callback =
        api.path("paths").path("/v1/tasks/{taskId}/callback").path("post").path("requestBody");
    var reported =
        schema(api, callback.path("content").path("application/json").path("schema"))
            .path("properties");
    assertThat(schema(api, reported.path("error")).path("properties").propertyNames())
        .contains("retryable");
  }
}
