package io.algotask.adapters.slots;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the slot semaphore.
 *
 * @param keyPrefix prefix of every Redis key of the semaphore
 * @param leaseMargin added to the longest legitimate hold: a lease outlives every living holder
 * @param priorityStep how much waiting one priority level is worth (aging): a task of priority p
 *     queues as if it had arrived (p - 1) steps later, so once it has waited that long it goes
 *     before any newly arrived task of priority 1, and no priority waits forever
 * @param adaptiveBackoff the factor by which the first congestion signal of a window decreases an
 *     adaptive limit (refusals may take it lower). Near 1 so that the +1 probe above a service's
 *     capacity falls back near it: at a capacity of 12, the probe to 13 is cut back to 11, where
 *     0.5 would halve it to 6
 * @param adaptiveQueueTarget an algorithm that reports a longer wait in its own queue ({@code
 *     queueMillis} on the callback) shows congestion, as a 429 does
 */
@ConfigurationProperties("algotask.slots")
public record SlotProperties(
    @DefaultValue("algotask:slots:") String keyPrefix,
    @DefaultValue("2m") Duration leaseMargin,
    @DefaultValue("1m") Duration priorityStep,
    @DefaultValue("0.9") double adaptiveBackoff,
    @DefaultValue("2s") Duration adaptiveQueueTarget) {

  @ConstructorBinding
  public SlotProperties {
    if (!(adaptiveBackoff >= 0.1 && adaptiveBackoff < 1)) {
      throw new IllegalArgumentException(
          "algotask.slots.adaptive-backoff must be from 0.1 to below 1, got " + adaptiveBackoff);
    }
  }

  /** With the default decrease factor of adaptive limits. */
  public SlotProperties(String keyPrefix, Duration leaseMargin, Duration priorityStep) {
    this(keyPrefix, leaseMargin, priorityStep, 0.9, Duration.ofSeconds(2));
  }
}
