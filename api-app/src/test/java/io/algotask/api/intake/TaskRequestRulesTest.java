package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The parser checks what {@link TaskRequestRules} says, rule by rule, so that the OpenAPI schema
 * built from those rules (served and checked by {@code OpenApiIT}) says what the parser does.
 */
class TaskRequestRulesTest {
  private final JsonMapper json = JsonMapper.builder().build();
  private final TaskRequestParser parser = TestParsers.parser();

  private ObjectNode minimal() {
    return json.createObjectNode().put("taskId", "doc-42").put("algorithm", "ocr");
  }

  private ParsedRequest parse(ObjectNode request) {
    return parser.parse(json.writeValueAsBytes(request));
  }

  /** The field whose rule the request breaks, or null when it is valid. */
  private String brokenField(ObjectNode request) {
    var parsed = parse(request);
    if (parsed instanceof ParsedRequest.Invalid invalid) {
      return invalid.field();
    }
    return parsed instanceof ParsedRequest.NotATask notATask ? notATask.field() : null;
  }

  @Test
  void aMinimalRequestHasEveryRequiredFieldAndIsValid() {
    var minimal = minimal();
    assertThat(minimal.propertyNames())
        .containsExactlyInAnyOrderElementsOf(
            TaskRequestRules.FIELDS.stream()
                .filter(TaskRequestRules.Field::required)
                .map(TaskRequestRules.Field::name)
                .toList());
    assertThat(brokenField(minimal)).isNull();
  }

  @Test
  void eachRequiredFieldIsRequired() {
    for (var field : TaskRequestRules.FIELDS) {
      if (field.required()) {
        var request = minimal();
        request.remove(field.name());
        assertThat(brokenField(request)).as(field.name()).isEqualTo(field.name());
      }
    }
  }

  @Test
  void eachIntegerIsHeldToItsBounds() {
    for (var field : TaskRequestRules.FIELDS) {
      if (field.shape() != TaskRequestRules.Shape.INTEGER) {
        continue;
      }
      for (var within : new int[] {field.minimum(), field.maximum()}) {
        assertThat(brokenField(minimal().put(field.name(), within)))
            .as("%s %d", field.name(), within)
            .isNull();
      }
      for (var outside : new int[] {field.minimum() - 1, field.maximum() + 1}) {
        assertThat(brokenField(minimal().put(field.name(), outside)))
            .as("%s %d", field.name(), outside)
            .isEqualTo(field.name());
      }
    }
  }

  @Test
  void eachPatternIsHeldToInFull() {
    for (var field : TaskRequestRules.FIELDS) {
      if (field.pattern() == null) {
        continue;
      }
      for (var unmatched : new String[] {"", "!", "a".repeat(250)}) {
        assertThat(field.admits(unmatched)).as("%s '%s'", field.name(), unmatched).isFalse();
        assertThat(brokenField(minimal().put(field.name(), unmatched)))
            .as("%s '%s'", field.name(), unmatched)
            .isEqualTo(field.name());
      }
    }
  }

  @Test
  void eachObjectIsHeldToItsSize() {
    for (var field : TaskRequestRules.FIELDS) {
      if (field.maxBytes() == null) {
        continue;
      }
      var within = minimal();
      within.putObject(field.name()).put("k", "x".repeat(field.maxBytes() - 16));
      assertThat(brokenField(within)).as(field.name()).isNull();
      var over = minimal();
      over.putObject(field.name()).put("k", "x".repeat(field.maxBytes()));
      assertThat(brokenField(over)).as(field.name()).isEqualTo(field.name());
    }
  }

  @Test
  void anAbsentFieldTakesItsDefault() {
    var request = ((ParsedRequest.Valid) parse(minimal())).request();

    assertThat(request.tenant()).isEqualTo(TaskRequestRules.TENANT.defaultValue());
    assertThat(request.priority()).isEqualTo(TaskRequestRules.PRIORITY.defaultValue());
  }
}
