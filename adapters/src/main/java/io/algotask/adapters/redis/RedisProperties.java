package io.algotask.adapters.redis;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Redis that holds the concurrency slots.
 *
 * @param uri a Lettuce uri, e.g. {@code redis://127.0.0.1:6379} or {@code rediss://...}
 * @param commandTimeout the longest wait for one command
 */
@Validated
@ConfigurationProperties("algotask.redis")
public record RedisProperties(@NotNull URI uri, @DefaultValue("2s") Duration commandTimeout) {}
