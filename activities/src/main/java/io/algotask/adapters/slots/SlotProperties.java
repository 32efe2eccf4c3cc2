package io.algotask.adapters.slots;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the slot semaphore.
 *
 * @param keyPrefix prefix of every Redis key of the semaphore
 * @param leaseMargin added to the longest legitimate hold: a lease outlives every living holder
 */
@ConfigurationProperties("algotask.slots")
public record SlotProperties(
    @DefaultValue("algotask:slots:") String keyPrefix, @DefaultValue("2m") Duration leaseMargin) {}
