package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import io.algotask.adapters.contract.TaskResultMessage;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema of the result message (docs/schemas, shipped in the api-proto jar) admits every
 * kind of result Algotask publishes, written as the publisher writes them, and refuses a result
 * whose status and error do not go together.
 */
class TaskResultSchemaTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant SUBMITTED = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant STARTED = Instant.parse("2026-03-01T10:00:01.250Z");
  private static final Instant FINISHED = Instant.parse("2026-03-01T10:00:09Z");

  private final Schema schema = TaskRequestSchemaTest.schema("task-result.schema.json");

  private static TaskResultMessage result(
      String status, TaskResultMessage.Output output, String code, Instant startedAt) {
    return new TaskResultMessage(
        "evt-" + status,
        "doc-42",
        "ocr",
        "acme",
        status,
        startedAt == null ? 0 : 2,
        output,
        code == null ? null : new TaskResultMessage.Error(code, "what happened"),
        SUBMITTED,
        startedAt,
        FINISHED,
        status.equals("REJECTED") ? null : Map.of("order", "42"));
  }

  private ObjectNode written(TaskResultMessage result) {
    return (ObjectNode) JSON.readTree(JSON.writeValueAsString(result));
  }

  @Test
  void everyKindOfResultIsAdmitted() {
    var output =
        new TaskResultMessage.Output(
            "s3://algotask-results/results/acme/doc-42/attempt-2",
            "http://127.0.0.1:8333/algotask-results/results?X-Amz-Signature=abc",
            Instant.parse("2026-03-02T10:00:09Z"),
            "application/json",
            123L);
    var results =
        new TaskResultMessage[] {
          result("SUCCEEDED", output, null, STARTED),
          result(
              "SUCCEEDED",
              new TaskResultMessage.Output("s3://b/k", "http://u", null, null, null),
              null,
              STARTED),
          result("FAILED", null, "ALGORITHM_ERROR", STARTED),
          result("FAILED", null, "ALGORITHM_REJECTED", STARTED),
          result("TIMED_OUT", null, "QUEUE_TIMEOUT", null),
          result("TIMED_OUT", null, "EXECUTION_TIMEOUT", STARTED),
          result("CANCELLED", null, "CANCELLED", null),
          result("REJECTED", null, "INVALID_REQUEST", null),
          result("REJECTED", null, "UNKNOWN_ALGORITHM", null),
          new TaskResultMessage(
              "evt-1",
              "doc-1",
              "",
              "default",
              "REJECTED",
              0,
              null,
              new TaskResultMessage.Error("INVALID_REQUEST", "algorithm: required, a string"),
              SUBMITTED,
              null,
              FINISHED,
              null)
        };
    for (var result : results) {
      var json = written(result);
      assertThat(schema.validate(json)).as("%s", json).isEmpty();
    }
  }

  @Test
  void aResultWhoseStatusAndErrorDoNotGoTogetherIsRefused() {
    var succeeded =
        written(
            result(
                "SUCCEEDED",
                new TaskResultMessage.Output("s3://b/k", "http://u", null, null, null),
                null,
                STARTED));
    var failed = written(result("FAILED", null, "ALGORITHM_ERROR", STARTED));

    var noOutput = succeeded.deepCopy();
    noOutput.remove("output");
    var withError = succeeded.deepCopy();
    withError.set("error", failed.get("error"));
    var noError = failed.deepCopy();
    noError.remove("error");
    var wrongCode = failed.deepCopy();
    ((ObjectNode) wrongCode.get("error")).put("code", "QUEUE_TIMEOUT");
    var noEventId = failed.deepCopy();
    noEventId.remove("eventId");
    var notATime = failed.deepCopy();
    notATime.put("finishedAt", "yesterday");
    var unknownStatus = failed.deepCopy();
    unknownStatus.put("status", "LOST");

    for (var json :
        new ObjectNode[] {
          noOutput, withError, noError, wrongCode, noEventId, notATime, unknownStatus
        }) {
      assertThat(schema.validate(json)).as("%s", json).isNotEmpty();
    }
  }
}
