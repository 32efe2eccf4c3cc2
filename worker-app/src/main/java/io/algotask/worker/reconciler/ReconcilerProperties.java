package io.algotask.worker.reconciler;

import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the slot reconciler.
 *
 * @param enabled whether this process takes part (one of those that do is active at a time)
 * @param interval time between passes; a slot of a terminated workflow is freed within about one
 * @param claimTimeout a grant its task has not claimed within this is signalled again
 * @param resignalInterval the wait after the first signal again of an unclaimed grant; it doubles
 *     with each further one, since each signal is an event in the workflow's history
 * @param resignalIntervalCap the longest wait between two signals again of one grant: during a long
 *     outage a grant is signalled about once per this
 * @param stateQueryTimeout how long the workflow may take to answer whether it holds its slot
 *     already (no signal then); one that cannot answer (no worker) is signalled
 * @param waiterCheckInterval time between checks of the waiters: a dead waiter costs nothing but a
 *     place in the queue (its grant would go unclaimed and be freed), so this can be slow
 * @param waitersPerCheck waiters asked about per check, going round the queue
 * @param rebuildChunkSize tasks put back per script call when Redis lost its state: a script holds
 *     Redis for its whole run, so a queue of 10^5 is put back in many short calls
 * @param describeConcurrency describes of holders' (and waiters') workflows in flight at once: a
 *     pass asks Temporal once per holder, without waiting for each answer in turn, so a pass over N
 *     holders takes about N / this times one call's latency
 */
@Validated
@ConfigurationProperties("algotask.reconciler")
public record ReconcilerProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("2s") Duration interval,
    @DefaultValue("5s") Duration claimTimeout,
    @DefaultValue("5s") Duration resignalInterval,
    @DefaultValue("5m") Duration resignalIntervalCap,
    @DefaultValue("2s") Duration stateQueryTimeout,
    @DefaultValue("10s") Duration waiterCheckInterval,
    @DefaultValue("100") int waitersPerCheck,
    @DefaultValue("500") int rebuildChunkSize,
    @DefaultValue("16") @Positive int describeConcurrency) {}
