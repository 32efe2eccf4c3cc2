package io.algotask.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's types to and from what each door carries. */
class WireTest {

  private static TaskRequest fullRequest() {
    return TaskRequest.builder("doc-42", "ocr")
        .tenant("acme")
        .priority(1)
        .input("s3://algotask-documents/acme/doc-42.pdf")
        .params(Map.of("lang", "de", "pages", List.of(1, 2)))
        .replyTopic("acme.results")
        .queueTimeout(Duration.ofMinutes(30))
        .executionTimeout(Duration.ofSeconds(90))
        .maxAttempts(2)
        .metadata("order", "42")
        .build();
  }

  @Test
  void aRequestIsTheJsonOfTheContractWithUnsetFieldsLeftOut() {
    var minimal =
        JsonWire.JSON.readTree(JsonWire.requestJson(TaskRequest.builder("d", "ocr").build()));
    assertThat(minimal.toString()).isEqualTo("{\"taskId\":\"d\",\"algorithm\":\"ocr\"}");

    var full = JsonWire.JSON.readTree(JsonWire.requestJson(fullRequest()));
    assertThat(full.path("tenant").asString()).isEqualTo("acme");
    assertThat(full.path("priority").isInt()).isTrue();
    assertThat(full.path("input").path("uri").asString())
        .isEqualTo("s3://algotask-documents/acme/doc-42.pdf");
    assertThat(full.path("params").path("pages").get(1).asInt()).isEqualTo(2);
    assertThat(full.path("replyTopic").asString()).isEqualTo("acme.results");
    assertThat(full.path("queueTimeoutSeconds").asInt()).isEqualTo(1800);
    assertThat(full.path("executionTimeoutSeconds").asInt()).isEqualTo(90);
    assertThat(full.path("maxAttempts").asInt()).isEqualTo(2);
    assertThat(full.path("metadata").path("order").asString()).isEqualTo("42");
  }

  @Test
  void aRequestIsTheSameOverGrpc() {
    var proto = ProtoWire.request(fullRequest());
    assertThat(proto.getTaskId()).isEqualTo("doc-42");
    assertThat(proto.getPriority()).isEqualTo(1);
    assertThat(proto.getInput().getUri()).isEqualTo("s3://algotask-documents/acme/doc-42.pdf");
    assertThat(proto.getParams().getFieldsOrThrow("lang").getStringValue()).isEqualTo("de");
    assertThat(
            proto
                .getParams()
                .getFieldsOrThrow("pages")
                .getListValue()
                .getValues(1)
                .getNumberValue())
        .isEqualTo(2.0);
    assertThat(proto.getQueueTimeoutSeconds()).isEqualTo(1800);
    assertThat(proto.getMetadataMap()).containsEntry("order", "42");
    var minimal = ProtoWire.request(TaskRequest.builder("d", "ocr").build());
    assertThat(minimal.hasPriority()).isFalse();
    assertThat(minimal.hasMaxAttempts()).isFalse();
    assertThat(minimal.getTenant()).isEmpty();
  }

  @Test
  void timeoutsAreWholeSeconds() {
    assertThatThrownBy(() -> TaskRequest.builder("d", "ocr").queueTimeout(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queueTimeout");
  }

  @Test
  void aResultIsReadWithItsOptionalMembers() {
    var result =
        JsonWire.result(
            """
            {"eventId":"e-1","taskId":"doc-42","algorithm":"ocr","tenant":"acme",
             "status":"SUCCEEDED","attempts":1,"futureMember":true,
             "output":{"uri":"s3://r/k","url":"http://u","urlExpiresAt":"2026-01-02T00:00:00Z",
                       "sizeBytes":12},
             "submittedAt":"2026-01-01T00:00:00Z","startedAt":"2026-01-01T00:00:01Z",
             "finishedAt":"2026-01-01T00:00:02Z","metadata":{"order":"42"}}
            """
                .getBytes(StandardCharsets.UTF_8),
            null);
    assertThat(result.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(result.output().sizeBytes()).isEqualTo(12L);
    assertThat(result.output().contentType()).isNull();
    assertThat(result.output().urlExpiresAt()).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
    assertThat(result.error()).isNull();
    assertThat(result.metadata()).containsEntry("order", "42");

    var rejected =
        JsonWire.result(
            ("{\"eventId\":\"e-2\",\"taskId\":\"d\",\"algorithm\":\"\",\"tenant\":\"default\","
                    + "\"status\":\"REJECTED\",\"attempts\":0,\"error\":{\"code\":\"INVALID_REQUEST\","
                    + "\"message\":\"algorithm: required, a string\"},"
                    + "\"submittedAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":\"2026-01-01T00:00:00Z\"}")
                .getBytes(StandardCharsets.UTF_8),
            "replyTopic gone");
    assertThat(rejected.status().isTerminal()).isTrue();
    assertThat(rejected.error().code()).isEqualTo("INVALID_REQUEST");
    assertThat(rejected.startedAt()).isNull();
    assertThat(rejected.metadata()).isEmpty();
    assertThat(rejected.replyError()).isEqualTo("replyTopic gone");
  }

  @Test
  void aProblemJsonNamesTheBrokenRuleAndItsField() {
    var problem =
        JsonWire.problem(
            400,
            """
            {"type":"https://algotask.io/problems/invalid-request","title":"Invalid request",
             "status":400,"detail":"priority: must be an integer from 1 to 5",
             "code":"INVALID_REQUEST","field":"priority"}
            """
                .getBytes(StandardCharsets.UTF_8));
    assertThat(problem).isInstanceOf(AlgotaskApiException.InvalidTaskException.class);
    assertThat(problem.field()).isEqualTo("priority");
    assertThat(((AlgotaskApiException.InvalidTaskException) problem).rule())
        .isEqualTo("priority: must be an integer from 1 to 5");
    assertThat(problem.httpStatus()).isEqualTo(400);

    var over =
        JsonWire.problem(
            409,
            "{\"code\":\"TASK_OVER\",\"detail\":\"over\",\"taskStatus\":\"SUCCEEDED\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(((AlgotaskApiException.TaskOverException) over).taskStatus())
        .isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(JsonWire.problem(502, "<html>".getBytes(StandardCharsets.UTF_8)).code())
        .isEqualTo("HTTP_502");
  }

  @Test
  void aGrpcStatusWithDetailsNamesTheBrokenRuleAndItsField() {
    // as api-app's GrpcProblems builds it
    var status =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT.getNumber())
            .setMessage("maxAttempts: must be an integer from 1 to 10")
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason("INVALID_REQUEST")
                        .setDomain("algotask.io")
                        .putMetadata("field", "maxAttempts")
                        .build()))
            .addDetails(
                Any.pack(
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField("maxAttempts")
                                .setDescription("maxAttempts: must be an integer from 1 to 10"))
                        .build()))
            .build();
    var refusal = ProtoWire.refusal(StatusProto.toStatusRuntimeException(status));
    assertThat(refusal).isInstanceOf(AlgotaskApiException.InvalidTaskException.class);
    assertThat(refusal.httpStatus()).isEqualTo(400);
    assertThat(refusal.field()).isEqualTo("maxAttempts");
    assertThat(refusal.detail()).isEqualTo("maxAttempts: must be an integer from 1 to 10");

    assertThat(ProtoWire.refusal(new StatusRuntimeException(Status.UNAVAILABLE))).isNull();
  }

  @Test
  void recentEventsForgetTheOldestBeyondTheirCapacity() {
    var events = new RecentEvents(2);
    events.remember("a");
    events.remember("b");
    events.remember("c");
    assertThat(events.seen("a")).isFalse();
    assertThat(events.seen("b")).isTrue();
    assertThat(events.seen("c")).isTrue();
    assertThat(events.size()).isEqualTo(2);
  }
}
