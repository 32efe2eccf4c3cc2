package io.algotask.api.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.algotask.adapters.records.TaskEvent;
import io.algotask.api.tasks.TaskView;
import io.algotask.api.v1.Error;
import io.algotask.api.v1.Output;
import io.algotask.api.v1.Progress;
import io.algotask.api.v1.SubmitTaskRequest;
import io.algotask.api.v1.Task;
import io.algotask.api.v1.TaskStatus;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Between the gRPC messages and the JSON and views the other doors use. */
final class ProtoMapping {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ProtoMapping() {}

  /**
   * The request as the JSON of contract section 1, so that one parser checks every door's requests
   * by the same rules. Unset fields are left out and take their defaults.
   */
  static byte[] requestJson(SubmitTaskRequest request, JsonMapper json) {
    var root = NODES.objectNode();
    root.put("taskId", request.getTaskId());
    root.put("algorithm", request.getAlgorithm());
    if (!request.getTenant().isEmpty()) {
      root.put("tenant", request.getTenant());
    }
    if (request.hasPriority()) {
      root.put("priority", request.getPriority());
    }
    if (request.hasInput()) {
      root.putObject("input").put("uri", request.getInput().getUri());
    }
    if (request.hasParams()) {
      root.set("params", toJson(request.getParams()));
    }
    if (!request.getReplyTopic().isEmpty()) {
      root.put("replyTopic", request.getReplyTopic());
    }
    if (request.hasQueueTimeoutSeconds()) {
      root.put("queueTimeoutSeconds", request.getQueueTimeoutSeconds());
    }
    if (request.hasExecutionTimeoutSeconds()) {
      root.put("executionTimeoutSeconds", request.getExecutionTimeoutSeconds());
    }
    if (request.hasMaxAttempts()) {
      root.put("maxAttempts", request.getMaxAttempts());
    }
    if (request.getMetadataCount() > 0) {
      var metadata = root.putObject("metadata");
      request.getMetadataMap().forEach(metadata::put);
    }
    return json.writeValueAsBytes(root);
  }

  static ObjectNode toJson(Struct struct) {
    var object = NODES.objectNode();
    struct.getFieldsMap().forEach((name, value) -> object.set(name, toJson(value)));
    return object;
  }

  private static JsonNode toJson(Value value) {
    return switch (value.getKindCase()) {
      case NULL_VALUE, KIND_NOT_SET -> NODES.nullNode();
      case NUMBER_VALUE -> NODES.numberNode(value.getNumberValue());
      case STRING_VALUE -> NODES.stringNode(value.getStringValue());
      case BOOL_VALUE -> NODES.booleanNode(value.getBoolValue());
      case STRUCT_VALUE -> toJson(value.getStructValue());
      case LIST_VALUE -> toJson(value.getListValue());
    };
  }

  private static JsonNode toJson(ListValue list) {
    var array = NODES.arrayNode();
    list.getValuesList().forEach(value -> array.add(toJson(value)));
    return array;
  }

  static Task toProto(TaskView view) {
    var task =
        Task.newBuilder()
            .setTaskId(view.taskId())
            .setAlgorithm(view.algorithm())
            .setTenant(view.tenant())
            .setPriority(view.priority())
            .setStatus(statusOf(view.status()))
            .setAttempts(view.attempts())
            .setSubmittedAt(timestamp(view.submittedAt()))
            .setLateCallbacks(view.lateCallbacks())
            .setRepeatedCallbacks(view.repeatedCallbacks());
    if (view.queuePosition() != null) {
      task.setQueuePosition(view.queuePosition());
    }
    if (view.progress() != null) {
      var progress = Progress.newBuilder().setAttempt(view.progress().attempt());
      if (view.progress().percent() != null) {
        progress.setPercent(view.progress().percent());
      }
      if (view.progress().message() != null) {
        progress.setMessage(view.progress().message());
      }
      task.setProgress(progress.setUpdatedAt(timestamp(view.progress().updatedAt())));
    }
    if (view.output() != null) {
      var output =
          Output.newBuilder()
              .setUri(view.output().uri())
              .setUrl(view.output().url())
              .setUrlExpiresAt(timestamp(view.output().urlExpiresAt()));
      if (view.output().contentType() != null) {
        output.setContentType(view.output().contentType());
      }
      if (view.output().sizeBytes() != null) {
        output.setSizeBytes(view.output().sizeBytes());
      }
      task.setOutput(output);
    }
    if (view.error() != null) {
      task.setError(
          Error.newBuilder()
              .setCode(view.error().code())
              .setMessage(view.error().message() == null ? "" : view.error().message()));
    }
    if (view.startedAt() != null) {
      task.setStartedAt(timestamp(view.startedAt()));
    }
    if (view.finishedAt() != null) {
      task.setFinishedAt(timestamp(view.finishedAt()));
    }
    if (view.metadata() != null) {
      task.putAllMetadata(view.metadata());
    }
    return task.build();
  }

  static io.algotask.api.v1.TaskEvent toProto(TaskEvent event, TaskView view) {
    return io.algotask.api.v1.TaskEvent.newBuilder()
        .setSequence(event.sequence())
        .setStatus(statusOf(view.status()))
        .setAt(timestamp(event.at()))
        .setTask(toProto(view))
        .build();
  }

  static TaskStatus statusOf(String status) {
    return TaskStatus.valueOf("TASK_STATUS_" + status);
  }

  static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}
