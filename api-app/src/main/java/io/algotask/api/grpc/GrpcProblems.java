package io.algotask.api.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.algotask.api.ApiProblem;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * A refused call as a gRPC status, with details a client can act on: {@code ErrorInfo} (the
 * problem's code as reason) and, for a broken rule, {@code BadRequest} naming the field.
 */
final class GrpcProblems {
  static final String DOMAIN = "algotask.io";

  private GrpcProblems() {}

  static StatusRuntimeException toStatus(ApiProblem problem) {
    var info =
        ErrorInfo.newBuilder()
            .setReason(problem.code())
            .setDomain(DOMAIN)
            .putAllMetadata(problem.properties());
    if (problem.field() != null) {
      info.putMetadata("field", problem.field());
    }
    var status =
        com.google.rpc.Status.newBuilder()
            .setCode(codeOf(problem).getNumber())
            .setMessage(problem.getMessage())
            .addDetails(Any.pack(info.build()));
    if (problem.kind() == ApiProblem.Kind.INVALID) {
      status.addDetails(
          Any.pack(
              BadRequest.newBuilder()
                  .addFieldViolations(
                      BadRequest.FieldViolation.newBuilder()
                          .setField(problem.field() == null ? "" : problem.field())
                          .setDescription(problem.getMessage()))
                  .build()));
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }

  private static Code codeOf(ApiProblem problem) {
    return switch (problem.kind()) {
      case INVALID -> Code.INVALID_ARGUMENT;
      case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
      case FORBIDDEN -> Code.PERMISSION_DENIED;
      case NOT_FOUND -> Code.NOT_FOUND;
      case CONFLICT ->
          "TASK_ID_TAKEN".equals(problem.code()) ? Code.ALREADY_EXISTS : Code.FAILED_PRECONDITION;
      case CONTENT_TOO_LARGE -> Code.RESOURCE_EXHAUSTED;
    };
  }
}
