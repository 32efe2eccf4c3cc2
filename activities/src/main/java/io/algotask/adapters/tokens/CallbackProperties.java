package io.algotask.adapters.tokens;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How algorithms call back.
 *
 * @param baseUrl where api-app is reached by algorithm services; callback URLs start with it
 * @param signingKeys secrets by key id; every key that may have signed a live token stays here
 * @param activeKeyId the key that signs new tokens
 * @param grace how long after an attempt's deadline its token still identifies a (late) callback
 */
@Validated
@ConfigurationProperties("algotask.callback")
public record CallbackProperties(
    @NotNull URI baseUrl,
    @NotEmpty Map<String, String> signingKeys,
    @NotNull String activeKeyId,
    @DefaultValue("24h") Duration grace) {}
