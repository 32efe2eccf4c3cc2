package io.algotask.activities;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the slot reconciler.
 *
 * @param enabled whether this process takes part (one of those that do is active at a time)
 * @param interval time between passes; a slot of a terminated workflow is freed within about one
 * @param claimTimeout a grant its task has not claimed within this is signalled again
 * @param waiterCheckInterval time between checks of the waiters: a dead waiter costs nothing but a
 *     place in the queue (its grant would go unclaimed and be freed), so this can be slow
 * @param waitersPerCheck waiters asked about per check, going round the queue
 */
@ConfigurationProperties("algotask.reconciler")
public record ReconcilerProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("2s") Duration interval,
    @DefaultValue("5s") Duration claimTimeout,
    @DefaultValue("10s") Duration waiterCheckInterval,
    @DefaultValue("100") int waitersPerCheck) {}
