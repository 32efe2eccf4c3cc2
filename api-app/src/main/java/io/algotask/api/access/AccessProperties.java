package io.algotask.api.access;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the APIs. Nothing has a built-in value outside the {@code local} profile: production
 * sets them from a secret store, e.g. {@code ALGOTASK_API_OPERATORTOKEN}, {@code
 * ALGOTASK_API_CLIENTS_0_NAME}, {@code ALGOTASK_API_CLIENTS_0_KEY} and {@code
 * ALGOTASK_API_CLIENTS_0_TENANTS}.
 *
 * @param clients the business services, each with its name, key and the tenants it may use ({@code
 *     *} for all). A list, not a map: a list set by one source replaces the whole list, so a key
 *     from another source never stays valid unseen
 * @param operatorToken the bearer token of registry writes and reads
 */
@Validated
@ConfigurationProperties("algotask.api")
public record AccessProperties(List<@Valid Client> clients, @NotBlank String operatorToken) {

  public AccessProperties {
    clients = clients == null ? List.of() : List.copyOf(clients);
  }

  public record Client(@NotBlank String name, @NotBlank String key, @NotEmpty Set<String> tenants) {
    @Override
    public String toString() {
      return "Client[name=" + name + ", tenants=" + tenants + "]";
    }
  }
}
