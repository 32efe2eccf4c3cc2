package io.algotask.adapters.temporal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The set-up of the app's Temporal namespace ({@code spring.temporal.namespace}) at start-up.
 *
 * @param enabled whether the app registers its namespace when missing and adds the search
 *     attributes its workflows set when missing, before it starts, or leaves both to an admin
 * @param retention how long closed workflows of a namespace registered by the set-up are kept
 *     (Temporal refuses less than its minimum, 1 day by default); a namespace that exists keeps its
 *     own
 * @param timeout the longest the set-up waits for Temporal (unreachable, or slow to know a
 *     namespace just registered) before the app refuses to start
 */
@ConfigurationProperties("algotask.temporal.namespace-setup")
public record NamespaceSetupProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("7d") Duration retention,
    @DefaultValue("2m") Duration timeout) {

  public NamespaceSetupProperties {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException(
          "algotask.temporal.namespace-setup.retention must be more than 0, got " + retention);
    }
  }
}
