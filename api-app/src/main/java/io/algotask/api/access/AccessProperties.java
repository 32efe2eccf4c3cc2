package io.algotask.api.access;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the APIs. Development defaults are in application.yaml; production sets them from a
 * secret store, e.g. {@code ALGOTASK_API_OPERATORTOKEN} and {@code
 * ALGOTASK_API_CLIENTS_<NAME>_KEY}.
 *
 * @param clients the business services, by name: each with its key and the tenants it may use
 *     ({@code *} for all)
 * @param operatorToken the bearer token of registry writes and reads
 */
@Validated
@ConfigurationProperties("algotask.api")
public record AccessProperties(Map<String, @Valid Client> clients, @NotBlank String operatorToken) {

  public AccessProperties {
    clients = clients == null ? Map.of() : Map.copyOf(clients);
  }

  public record Client(@NotBlank String key, @NotEmpty Set<String> tenants) {}
}
