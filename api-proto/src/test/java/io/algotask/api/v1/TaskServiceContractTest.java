package io.algotask.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Business services generate clients from this jar: what contract sections 5 and 6 fix must not
 * drift. Fields may be added, never renamed, renumbered or removed.
 */
class TaskServiceContractTest {

  @Test
  void theServiceHasTheFourCallsOfTheContractAndWatchIsAServerStream() {
    var methods =
        TaskServiceGrpc.getServiceDescriptor().getMethods().stream()
            .collect(
                Collectors.toMap(m -> m.getBareMethodName(), io.grpc.MethodDescriptor::getType));

    assertThat(TaskServiceGrpc.SERVICE_NAME).isEqualTo("algotask.v1.TaskService");
    assertThat(methods)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "SubmitTask", MethodType.UNARY,
                "GetTask", MethodType.UNARY,
                "CancelTask", MethodType.UNARY,
                "WatchTask", MethodType.SERVER_STREAMING));
  }

  @Test
  void aTaskCarriesTheFieldsOfGetTaskUnderTheirNumbers() {
    var fields =
        Task.getDescriptor().getFields().stream()
            .collect(Collectors.toMap(FieldDescriptor::getJsonName, FieldDescriptor::getNumber));

    assertThat(fields)
        .containsAllEntriesOf(
            Map.ofEntries(
                Map.entry("taskId", 1),
                Map.entry("algorithm", 2),
                Map.entry("tenant", 3),
                Map.entry("priority", 4),
                Map.entry("status", 5),
                Map.entry("attempts", 6),
                Map.entry("queuePosition", 7),
                Map.entry("progress", 8),
                Map.entry("output", 9),
                Map.entry("error", 10),
                Map.entry("submittedAt", 11),
                Map.entry("startedAt", 12),
                Map.entry("finishedAt", 13),
                Map.entry("lateCallbacks", 14),
                Map.entry("metadata", 15),
                Map.entry("repeatedCallbacks", 16)));
  }

  @Test
  void aSubmissionCarriesTheFieldsOfSectionOneAndLeavesTheDefaultsUnset() {
    var request = SubmitTaskRequest.newBuilder().setTaskId("doc-42").setAlgorithm("ocr").build();

    assertThat(request.hasPriority()).as("priority falls back to the default of 3").isFalse();
    assertThat(request.hasQueueTimeoutSeconds()).isFalse();
    assertThat(request.hasExecutionTimeoutSeconds()).isFalse();
    assertThat(request.hasMaxAttempts()).isFalse();
    assertThat(
            SubmitTaskRequest.getDescriptor().getFields().stream()
                .map(FieldDescriptor::getJsonName))
        .containsExactly(
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
  }

  @Test
  void everyStatusOfTheContractHasAValue() {
    assertThat(TaskStatus.values())
        .extracting(TaskStatus::name)
        .contains(
            "TASK_STATUS_ACCEPTED",
            "TASK_STATUS_QUEUED",
            "TASK_STATUS_RUNNING",
            "TASK_STATUS_SUCCEEDED",
            "TASK_STATUS_FAILED",
            "TASK_STATUS_TIMED_OUT",
            "TASK_STATUS_CANCELLED",
            "TASK_STATUS_REJECTED");
  }
}
