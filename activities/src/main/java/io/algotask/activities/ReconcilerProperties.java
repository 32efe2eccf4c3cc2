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
 * @param waitersPerPass waiters checked against Temporal per pass, going round the queue
 */
@ConfigurationProperties("algotask.reconciler")
public record ReconcilerProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("2s") Duration interval,
    @DefaultValue("5s") Duration claimTimeout,
    @DefaultValue("100") int waitersPerPass) {}
