package io.algotask.adapters.slots;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the slot semaphore.
 *
 * @param keyPrefix prefix of every Redis key of the semaphore
 * @param leaseMargin added to the longest legitimate hold: a lease outlives every living holder
 * @param priorityStep how much waiting one priority level is worth (aging): a task of priority p
 *     queues as if it had arrived (p - 1) steps later, so once it has waited that long it goes
 *     before any newly arrived task of priority 1, and no priority waits forever
 */
@ConfigurationProperties("algotask.slots")
public record SlotProperties(
    @DefaultValue("algotask:slots:") String keyPrefix,
    @DefaultValue("2m") Duration leaseMargin,
    @DefaultValue("1m") Duration priorityStep) {}
