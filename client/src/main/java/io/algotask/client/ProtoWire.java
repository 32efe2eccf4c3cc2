package io.algotask.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.algotask.api.v1.Input;
import io.algotask.api.v1.SubmitTaskRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Between the client's types and the messages of {@code algotask.v1.TaskService}. */
final class ProtoWire {
  private ProtoWire() {}

  static SubmitTaskRequest request(TaskRequest request) {
    var proto =
        SubmitTaskRequest.newBuilder()
            .setTaskId(request.taskId())
            .setAlgorithm(request.algorithm())
            .putAllMetadata(request.metadata());
    if (request.tenant() != null) {
      proto.setTenant(request.tenant());
    }
    if (request.priority() != null) {
      proto.setPriority(request.priority());
    }
    if (request.inputUri() != null) {
      proto.setInput(Input.newBuilder().setUri(request.inputUri()));
    }
    if (request.params() != null) {
      proto.setParams(struct(JsonWire.JSON.valueToTree(request.params())));
    }
    if (request.replyTopic() != null) {
      proto.setReplyTopic(request.replyTopic());
    }
    if (request.queueTimeoutSeconds() != null) {
      proto.setQueueTimeoutSeconds(request.queueTimeoutSeconds());
    }
    if (request.executionTimeoutSeconds() != null) {
      proto.setExecutionTimeoutSeconds(request.executionTimeoutSeconds());
    }
    if (request.maxAttempts() != null) {
      proto.setMaxAttempts(request.maxAttempts());
    }
    return proto.build();
  }

  private static Struct struct(JsonNode object) {
    var struct = Struct.newBuilder();
    object
        .properties()
        .forEach(member -> struct.putFields(member.getKey(), value(member.getValue())));
    return struct.build();
  }

  private static Value value(JsonNode node) {
    var value = Value.newBuilder();
    if (node.isObject()) {
      value.setStructValue(struct(node));
    } else if (node.isArray()) {
      var list = ListValue.newBuilder();
      node.forEach(item -> list.addValues(value(item)));
      value.setListValue(list);
    } else if (node.isNumber()) {
      value.setNumberValue(node.asDouble());
    } else if (node.isBoolean()) {
      value.setBoolValue(node.asBoolean());
    } else if (node.isNull()) {
      value.setNullValue(NullValue.NULL_VALUE);
    } else {
      value.setStringValue(node.asString());
    }
    return value.build();
  }

  static TaskStatus status(io.algotask.api.v1.TaskStatus status) {
    // TASK_STATUS_ACCEPTED -> ACCEPTED
    return TaskStatus.valueOf(status.name().substring("TASK_STATUS_".length()));
  }

  static Task task(io.algotask.api.v1.Task task) {
    return new Task(
        task.getTaskId(),
        task.getAlgorithm(),
        task.getTenant(),
        task.getPriority(),
        status(task.getStatus()),
        task.getAttempts(),
        task.hasQueuePosition() ? task.getQueuePosition() : null,
        task.hasProgress()
            ? new Task.Progress(
                task.getProgress().getAttempt(),
                task.getProgress().getPercent(),
                task.getProgress().getMessage().isEmpty() ? null : task.getProgress().getMessage(),
                instant(task.getProgress().hasUpdatedAt(), task.getProgress().getUpdatedAt()))
            : null,
        task.hasOutput()
            ? new TaskOutput(
                task.getOutput().getUri(),
                task.getOutput().getUrl(),
                instant(task.getOutput().hasUrlExpiresAt(), task.getOutput().getUrlExpiresAt()),
                task.getOutput().getContentType().isEmpty()
                    ? null
                    : task.getOutput().getContentType(),
                task.getOutput().getSizeBytes() == 0 ? null : task.getOutput().getSizeBytes())
            : null,
        task.hasError()
            ? new TaskError(task.getError().getCode(), task.getError().getMessage())
            : null,
        instant(task.hasSubmittedAt(), task.getSubmittedAt()),
        instant(task.hasStartedAt(), task.getStartedAt()),
        instant(task.hasFinishedAt(), task.getFinishedAt()),
        Map.copyOf(task.getMetadataMap()));
  }

  static TaskEvent event(io.algotask.api.v1.TaskEvent event) {
    return new TaskEvent(
        event.getSequence(),
        status(event.getStatus()),
        instant(event.hasAt(), event.getAt()),
        task(event.getTask()));
  }

  private static Instant instant(boolean present, Timestamp timestamp) {
    return present ? Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()) : null;
  }

  /**
   * A refusal as the exception it stands for (contract section 6): its ErrorInfo's reason is the
   * code, its BadRequest names the field; null for a status without them (not a refusal of
   * Algotask's own, e.g. UNAVAILABLE).
   */
  static AlgotaskApiException refusal(StatusRuntimeException e) {
    var status = StatusProto.fromThrowable(e);
    if (status == null) {
      return null;
    }
    String code = null;
    String field = null;
    var properties = new LinkedHashMap<String, String>();
    try {
      for (var detail : status.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          var info = detail.unpack(ErrorInfo.class);
          code = info.getReason();
          properties.putAll(info.getMetadataMap());
          field = info.getMetadataMap().get("field");
        } else if (detail.is(BadRequest.class)) {
          var violations = detail.unpack(BadRequest.class).getFieldViolationsList();
          if (!violations.isEmpty() && !violations.get(0).getField().isEmpty()) {
            field = violations.get(0).getField();
          }
        }
      }
    } catch (InvalidProtocolBufferException unreadable) {
      return null;
    }
    if (code == null) {
      return null;
    }
    return AlgotaskApiException.of(
        httpStatus(e.getStatus().getCode()), code, field, status.getMessage(), properties);
  }

  /** The HTTP equivalent of a status (contract section 6). */
  private static int httpStatus(io.grpc.Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, FAILED_PRECONDITION -> 409;
      case RESOURCE_EXHAUSTED -> 413;
      default -> 500;
    };
  }
}
