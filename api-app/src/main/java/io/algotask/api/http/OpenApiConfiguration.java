package io.algotask.api.http;

import io.algotask.api.access.AdmittedCallers;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description of the HTTP API, served at {@code /v1/openapi.json}. Each operation lists
 * the statuses it answers; this class adds what they share: the bearer schemes, and the problem
 * body of every refusal.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
    info =
        @Info(
            title = "Algotask HTTP API",
            version = "v1",
            description =
                "Tasks for business services, the registry for operators, callbacks for"
                    + " algorithm services (contract sections 4 and 5); the calls Algotask makes"
                    + " to algorithm services are the webhooks (contract section 3)."))
@SecurityScheme(
    name = OpenApiConfiguration.CLIENT_KEY,
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description = "A business service's client key; each key is allowed a set of tenants.")
@SecurityScheme(
    name = OpenApiConfiguration.OPERATOR_TOKEN,
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description = "The operator token.")
@SecurityScheme(
    name = OpenApiConfiguration.CALLBACK_TOKEN,
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    description = "The token of one task attempt, handed out with its invocation.")
public class OpenApiConfiguration {
  public static final String CLIENT_KEY = "clientKey";
  public static final String OPERATOR_TOKEN = "operatorToken";
  public static final String CALLBACK_TOKEN = "callbackToken";
  static final String PROBLEM = "Problem";
  static final String PROBLEM_JSON =
      org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

  static {
    // who calls is resolved from the credential, not read from the request: no parameter
    SpringDocUtils.getConfig()
        .addRequestWrapperToIgnore(AdmittedCallers.TYPES.toArray(Class<?>[]::new));
  }

  @Bean
  OpenAPI openApi() {
    var components = new Components().addSchemas(PROBLEM, problemSchema());
    TaskRequestSchema.components().forEach(components::addSchemas);
    return new OpenAPI().components(components);
  }

  /** The calls Algotask makes to algorithm services, which no controller of its own describes. */
  @Bean
  OpenApiCustomizer algorithmWebhooks() {
    return openApi -> {
      // added here: springdoc keeps only the base document's schemas that a path refers to
      AlgorithmWebhooks.components().forEach(openApi.getComponents()::addSchemas);
      AlgorithmWebhooks.webhooks().forEach(openApi::addWebhooks);
    };
  }

  /** Every 4xx is a problem (RFC 9457), so operations name only the status and when it happens. */
  @Bean
  OperationCustomizer problems() {
    return (operation, handler) -> {
      if (operation.getResponses() != null) {
        operation.getResponses().entrySet().stream()
            .filter(response -> response.getKey().startsWith("4"))
            .forEach(
                response ->
                    response
                        .getValue()
                        .content(
                            new Content()
                                .addMediaType(
                                    PROBLEM_JSON,
                                    new MediaType()
                                        .schema(
                                            new Schema<>()
                                                .$ref("#/components/schemas/" + PROBLEM)))));
      }
      return operation;
    };
  }

  private static Schema<?> problemSchema() {
    return new ObjectSchema()
        .description("A refusal, as application/problem+json (RFC 9457)")
        .addProperty(
            "type",
            new StringSchema()
                .format("uri")
                .description("https://algotask.io/problems/ and the code, in kebab case"))
        .addProperty("title", new StringSchema())
        .addProperty("status", new IntegerSchema().description("the HTTP status"))
        .addProperty("detail", new StringSchema().description("what is wrong, for a human"))
        .addProperty("instance", new StringSchema().format("uri"))
        .addProperty(
            "code",
            new StringSchema()
                .description(
                    "a stable reason: INVALID_REQUEST, UNKNOWN_ALGORITHM, UNAUTHENTICATED,"
                        + " FORBIDDEN, NOT_FOUND, TASK_OVER, TASK_ID_TAKEN, ATTEMPT_OVER or"
                        + " CONTENT_TOO_LARGE; for a refusal of the HTTP layer itself, the name"
                        + " of its status (METHOD_NOT_ALLOWED, UNSUPPORTED_MEDIA_TYPE...)"))
        .addProperty("field", new StringSchema().description("the field whose rule is broken"))
        .addProperty(
            "taskStatus",
            new StringSchema().description("TASK_OVER: the status the task ended with"));
  }
}
