package io.algotask.api.http;

import io.algotask.api.intake.TaskRequestRules;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The body of {@code POST /v1/tasks} (contract section 1) in the OpenAPI description, built from
 * {@link TaskRequestRules}: the fields and bounds it shows are those the parser checks. The
 * controller reads the raw bytes, so that one parser checks the requests of every door alike.
 */
final class TaskRequestSchema {
  static final String NAME = "TaskRequest";
  static final String INPUT = "TaskInput";

  /**
   * Where an object's size limit is written, in bytes: OpenAPI has no keyword of its own for it.
   */
  static final String MAX_BYTES = "x-max-bytes";

  private TaskRequestSchema() {}

  /** The schemas to register as components, by name. */
  static Map<String, Schema<?>> components() {
    return Map.of(NAME, taskRequest(), INPUT, input());
  }

  private static Schema<?> taskRequest() {
    var schema = new ObjectSchema().description("A task request; unknown fields are ignored.");
    for (var field : TaskRequestRules.FIELDS) {
      schema.addProperty(field.name(), property(field));
      if (field.required()) {
        schema.addRequiredItem(field.name());
      }
    }
    return schema;
  }

  private static Schema<?> property(TaskRequestRules.Field field) {
    Schema<?> property =
        switch (field.shape()) {
          case STRING -> new StringSchema();
          case INTEGER -> new IntegerSchema();
          case DOCUMENT -> new Schema<>().$ref("#/components/schemas/" + INPUT);
          case OBJECT -> new ObjectSchema().additionalProperties(true);
          case STRING_MAP -> new ObjectSchema().additionalProperties(new StringSchema());
        };
    if (field.shape() == TaskRequestRules.Shape.DOCUMENT) {
      return property; // a reference takes no siblings in OpenAPI 3.0
    }
    property.description(field.description());
    if (field.pattern() != null) {
      property.pattern("^" + field.pattern().pattern() + "$");
    }
    if (field.minimum() != null) {
      property.minimum(BigDecimal.valueOf(field.minimum()));
    }
    if (field.maximum() != null) {
      property.maximum(BigDecimal.valueOf(field.maximum()));
    }
    if (field.maxBytes() != null) {
      property.addExtension(MAX_BYTES, field.maxBytes());
      property.description(
          field.description() + " At most " + field.maxBytes() / 1024 + " KiB serialized.");
    }
    if (field.defaultValue() != null) {
      property.setDefault(field.defaultValue());
    }
    return property;
  }

  private static Schema<?> input() {
    return new ObjectSchema()
        .description(TaskRequestRules.INPUT.description())
        .addProperty(
            TaskRequestRules.INPUT_URI,
            new StringSchema()
                .example("s3://algotask-documents/doc-42.pdf")
                .description("s3://bucket/key, in a bucket the operator allows."))
        .addRequiredItem(TaskRequestRules.INPUT_URI);
  }
}
