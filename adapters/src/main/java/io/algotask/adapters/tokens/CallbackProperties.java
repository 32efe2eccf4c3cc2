package io.algotask.adapters.tokens;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How algorithms call back.
 *
 * @param baseUrl where api-app is reached by algorithm services; callback URLs start with it
 * @param signingKeys the keys, each an id and its secret; every key that may have signed a live
 *     token stays here. A list, not a map: a list set by one source (the environment, a mounted
 *     secret) replaces the whole list, so no key from another source stays valid unseen
 * @param activeKeyId the id of the key that signs new tokens
 * @param grace how long after an attempt's deadline its token still identifies a (late) callback
 */
@Validated
@ConfigurationProperties("algotask.callback")
public record CallbackProperties(
    @NotNull URI baseUrl,
    @NotEmpty List<@Valid SigningKey> signingKeys,
    @NotBlank String activeKeyId,
    @DefaultValue("24h") Duration grace) {

  public CallbackProperties {
    signingKeys = signingKeys == null ? List.of() : List.copyOf(signingKeys);
  }

  /**
   * One signing key.
   *
   * @param id the key id carried in each token it signs (no dots)
   * @param secret the HMAC secret, at least 32 bytes
   */
  public record SigningKey(@NotBlank String id, @NotBlank String secret) {
    @Override
    public String toString() {
      return "SigningKey[id=" + id + "]";
    }
  }
}
