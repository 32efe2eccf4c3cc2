package io.algotask.adapters.algorithms;

import io.algotask.adapters.tokens.CallbackProperties.SigningKey;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How invocations (and cancel requests) are signed for algorithm services, so that a service can
 * tell that a request comes from Algotask (docs/algorithm-services.md, "Verifying that a request
 * comes from Algotask"). These keys are shared with the algorithm services: never the callback
 * keys, which only Algotask may hold.
 *
 * @param keys the keys, each an id and its secret (at least 32 bytes); none: requests go unsigned
 * @param activeKeyId the id of the key that signs; required when there are keys
 */
@Validated
@ConfigurationProperties("algotask.invocation.signing")
public record InvocationSigningProperties(List<@Valid SigningKey> keys, String activeKeyId) {

  public InvocationSigningProperties {
    keys = keys == null ? List.of() : List.copyOf(keys);
  }
}
