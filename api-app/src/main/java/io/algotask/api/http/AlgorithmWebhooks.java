package io.algotask.api.http;

import io.algotask.adapters.algorithms.InvocationSigner;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calls Algotask makes to algorithm services (contract section 3), as OpenAPI 3.1 webhooks: the
 * invocation and the cancel request, their bodies (those of {@code InvocationBody} and {@code
 * AlgorithmClient.cancel}; OpenApiIT holds them to it), and what Algotask does with each answer.
 * docs/algorithm-services.md says the same at length.
 */
final class AlgorithmWebhooks {
  static final String INVOCATION = "invocation";
  static final String CANCEL = "cancel";
  static final String INVOCATION_SCHEMA = "Invocation";
  static final String CANCEL_SCHEMA = "CancelRequest";
  private static final String JSON = "application/json";
  private static final String GUIDE = " (docs/algorithm-services.md)";

  private AlgorithmWebhooks() {}

  /** The webhooks, by name. */
  static Map<String, PathItem> webhooks() {
    var webhooks = new LinkedHashMap<String, PathItem>();
    webhooks.put(
        INVOCATION,
        new PathItem()
            .post(
                new Operation()
                    .operationId("invokeAlgorithm")
                    .summary("Algotask invokes an algorithm service for one attempt of a task")
                    .description(
                        "POST {endpoint of the algorithm}. Answer at once and work on your own"
                            + " time; call back with callback.token. Delivery is at least once:"
                            + " a repeated (taskId, attempt) carries the same body and is the same"
                            + " request"
                            + GUIDE
                            + ".")
                    .addParametersItem(signatureHeader())
                    .requestBody(body(INVOCATION_SCHEMA))
                    .responses(invocationAnswers())));
    webhooks.put(
        CANCEL,
        new PathItem()
            .post(
                new Operation()
                    .operationId("cancelAttempt")
                    .summary(
                        "Algotask tells an algorithm service that an open attempt is cancelled")
                    .description(
                        "POST {cancelEndpoint of the algorithm}, when one is registered: once,"
                            + " best effort, 5 s. Stop the work and do not call back (a callback"
                            + " would be answered 409).")
                    .addParametersItem(signatureHeader())
                    .requestBody(body(CANCEL_SCHEMA))
                    .responses(
                        new ApiResponses()
                            .addApiResponse("2XX", new ApiResponse().description("Acknowledged."))
                            .addApiResponse(
                                "default",
                                new ApiResponse()
                                    .description(
                                        "Any other answer, or none: nothing more is sent; the"
                                            + " attempt is closed either way.")))));
    return webhooks;
  }

  /** The schemas the webhooks name, by name. */
  static Map<String, Schema<?>> components() {
    return Map.of(INVOCATION_SCHEMA, invocation(), CANCEL_SCHEMA, cancel());
  }

  private static ApiResponses invocationAnswers() {
    var resent =
        "Sent again: the same attempt, after 1 s, doubling up to 30 s, until the deadline.";
    return new ApiResponses()
        .addApiResponse(
            "2XX",
            new ApiResponse()
                .description(
                    "Accepted: the attempt is running; Algotask waits for the callback until the"
                        + " deadline. The body is not read."))
        .addApiResponse("429", busy())
        .addApiResponse("503", busy())
        .addApiResponse(
            "4XX",
            new ApiResponse()
                .description(
                    "Any other 4xx: refused. The task ends at once FAILED / ALGORITHM_REJECTED,"
                        + " with no further attempt; the first 300 characters of the body go into"
                        + " its error message."))
        .addApiResponse(
            "3XX", new ApiResponse().description("Redirects are not followed. " + resent))
        .addApiResponse(
            "5XX",
            new ApiResponse()
                .description(resent + " So is an invocation without an answer within 10 s."));
  }

  private static ApiResponse busy() {
    return new ApiResponse()
        .description(
            "Busy: the same attempt is sent again after Retry-After (whole seconds; 1 s when"
                + " absent), keeping its concurrency slot and without using the attempt up.")
        .addHeaderObject(
            "Retry-After",
            new Header()
                .description("seconds to wait before the next send")
                .schema(new IntegerSchema().minimum(BigDecimal.ZERO)));
  }

  private static HeaderParameter signatureHeader() {
    return (HeaderParameter)
        new HeaderParameter()
            .name(InvocationSigner.HEADER)
            .required(false)
            .description(
                "Present when the operator configured algotask.invocation.signing keys:"
                    + " t=<unix seconds>,kid=<key id>,v1=<lower-case hex HMAC-SHA256, keyed with"
                    + " the key's secret, of \"<t>.<raw body>\">. Accept the keys you were given,"
                    + " refuse a t more than 5 minutes from your clock"
                    + GUIDE
                    + ".")
            .schema(new StringSchema().example("t=1700000000,kid=key-1,v1=5b72b430b6dc..."));
  }

  private static RequestBody body(String schema) {
    return new RequestBody()
        .required(true)
        .content(
            new Content()
                .addMediaType(
                    JSON, new MediaType().schema(new Schema<>().$ref(reference(schema)))));
  }

  private static String reference(String schema) {
    return "#/components/schemas/" + schema;
  }

  private static Schema<?> invocation() {
    return new ObjectSchema()
        .description(
            "One attempt of a task. Fields may be added later: ignore those you do not know.")
        .addProperty("taskId", new StringSchema().description("the task's id"))
        .addProperty("attempt", new IntegerSchema().minimum(BigDecimal.ONE).description("from 1"))
        .addProperty("algorithm", new StringSchema().description("the algorithm's name"))
        .addProperty("tenant", new StringSchema().description("the task's tenant"))
        .addProperty(
            "params",
            new ObjectSchema()
                .additionalProperties(true)
                .description("the request's parameters, as given; absent when it had none"))
        .addProperty(
            "input",
            new ObjectSchema()
                .description("the document; absent when the request had none")
                .addProperty("uri", new StringSchema().description("s3://bucket/key"))
                .addProperty(
                    "url", new StringSchema().format("uri").description("a presigned GET URL"))
                .addRequiredItem("uri")
                .addRequiredItem("url"))
        .addProperty(
            "output",
            new ObjectSchema()
                .description("where to write the output, the whole object in one PUT")
                .addProperty(
                    "uri",
                    new StringSchema()
                        .description(
                            "s3://{result bucket}/results/{tenant}/{taskId}/attempt-{attempt}"))
                .addProperty(
                    "uploadUrl",
                    new StringSchema().format("uri").description("a presigned PUT URL of uri"))
                .addProperty(
                    "uploadUrlExpiresAt",
                    new StringSchema()
                        .format("date-time")
                        .description("when both URLs stop working: the deadline plus a grace"))
                .addRequiredItem("uri")
                .addRequiredItem("uploadUrl")
                .addRequiredItem("uploadUrlExpiresAt"))
        .addProperty(
            "callback",
            new ObjectSchema()
                .description("where to report, and with what")
                .addProperty(
                    "url",
                    new StringSchema()
                        .format("uri")
                        .description("{base URL}/v1/tasks/{taskId}/callback"))
                .addProperty(
                    "token",
                    new StringSchema()
                        .description(
                            "the bearer token of the callback and of progress reports; opaque"))
                .addRequiredItem("url")
                .addRequiredItem("token"))
        .addProperty(
            "deadline",
            new StringSchema()
                .format("date-time")
                .description("the attempt's deadline: a callback after it is late (409)"))
        .required(
            List.of("taskId", "attempt", "algorithm", "tenant", "output", "callback", "deadline"));
  }

  private static Schema<?> cancel() {
    return new ObjectSchema()
        .description("The attempt that is cancelled.")
        .addProperty("taskId", new StringSchema())
        .addProperty("attempt", new IntegerSchema().minimum(BigDecimal.ONE))
        .required(List.of("taskId", "attempt"));
  }
}
