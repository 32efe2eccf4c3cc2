package io.algotask.api.access;

import io.algotask.adapters.tokens.CallbackClaims;
import io.algotask.adapters.tokens.CallbackTokens;
import io.algotask.adapters.tokens.InvalidCallbackTokenException;
import io.algotask.api.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Checks the bearer credential of a call: a client key, the operator token, or the callback token
 * of one task attempt. Each refusal is an {@link ApiProblem} of kind UNAUTHENTICATED.
 */
@Component
@EnableConfigurationProperties(AccessProperties.class)
public class AccessControl {
  private static final String BEARER = "Bearer ";

  private final Map<String, Caller> callersByKey;
  private final byte[] operatorToken;
  private final CallbackTokens callbackTokens;

  AccessControl(AccessProperties properties, CallbackTokens callbackTokens) {
    this.callbackTokens = callbackTokens;
    var callers = new LinkedHashMap<String, Caller>();
    for (var client : properties.clients()) {
      if (callers.put(client.key(), new Caller(client.name(), Set.copyOf(client.tenants())))
          != null) {
        throw new IllegalArgumentException(
            "algotask.api.clients: client '" + client.name() + "' has the key of another client");
      }
    }
    this.callersByKey = Map.copyOf(callers);
    this.operatorToken = properties.operatorToken().getBytes(StandardCharsets.UTF_8);
  }

  /** The business service that holds the key in an {@code Authorization} value. */
  public Caller client(String authorization) {
    var key = bearer(authorization, "client key").getBytes(StandardCharsets.UTF_8);
    // every known key is compared in full, so the time taken tells nothing about a near miss
    Caller found = null;
    for (var known : callersByKey.entrySet()) {
      if (sameSecret(known.getKey().getBytes(StandardCharsets.UTF_8), key)) {
        found = known.getValue();
      }
    }
    if (found == null) {
      throw unauthenticated("unknown client key");
    }
    return found;
  }

  /** The operator, when the {@code Authorization} value carries the operator token. */
  public Operator operator(String authorization) {
    var token = bearer(authorization, "operator token").getBytes(StandardCharsets.UTF_8);
    if (!sameSecret(operatorToken, token)) {
      throw unauthenticated("not the operator token");
    }
    return new Operator();
  }

  /**
   * What the callback token in an {@code Authorization} value vouches for: signed by a known key,
   * unexpired, and issued for this task. Which attempt it may report is for the report to match.
   */
  public CallbackClaims callback(String authorization, String taskId) {
    CallbackClaims claims;
    try {
      claims = callbackTokens.verify(bearer(authorization, "callback token"));
    } catch (InvalidCallbackTokenException e) {
      throw unauthenticated("invalid callback token: " + e.getMessage());
    }
    if (!claims.taskId().equals(taskId)) {
      throw unauthenticated("the token was issued for another task");
    }
    return claims;
  }

  /** The credential of a bearer {@code Authorization} value. */
  private static String bearer(String authorization, String what) {
    // the scheme is case-insensitive (RFC 9110), the credential is not
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw unauthenticated("a " + what + " is required: Authorization: Bearer <" + what + ">");
    }
    return authorization.substring(BEARER.length()).trim();
  }

  private static boolean sameSecret(byte[] expected, byte[] given) {
    return MessageDigest.isEqual(expected, given);
  }

  private static ApiProblem unauthenticated(String detail) {
    return new ApiProblem(ApiProblem.Kind.UNAUTHENTICATED, "UNAUTHENTICATED", null, detail);
  }
}
