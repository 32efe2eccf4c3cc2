package io.algotask.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;

/**
 * Hands the call's {@code authorization} metadata to the service, which checks it like the HTTP API
 * does. It refuses nothing itself, so services without credentials (health) stay open.
 */
@Component
@GlobalServerInterceptor
class AuthorizationHeader implements ServerInterceptor {
  static final Context.Key<String> VALUE = Context.key("authorization");
  private static final Metadata.Key<String> HEADER =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    return Contexts.interceptCall(
        Context.current().withValue(VALUE, headers.get(HEADER)), call, headers, next);
  }
}
