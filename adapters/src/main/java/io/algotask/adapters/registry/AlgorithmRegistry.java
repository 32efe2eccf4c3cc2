package io.algotask.adapters.registry;

import io.algotask.adapters.records.PostgresNotifications;
import jakarta.annotation.PostConstruct;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The registered algorithms, kept in PostgreSQL and seeded from configuration where a name is
 * absent. Every process keeps a copy, refreshed when the database announces a change, so reads on a
 * task's path cost no round trip and a change reaches every worker at once. A name this copy does
 * not know is looked up in the database before it counts as unknown, since its announcement may
 * still be on the way; a name found absent is not looked up again for a short while, so a flood of
 * requests for an unknown name is not a flood of reads.
 */
@Component
@EnableConfigurationProperties(AlgorithmProperties.class)
public class AlgorithmRegistry implements AlgorithmLookup {
  private static final Logger log = LoggerFactory.getLogger(AlgorithmRegistry.class);

  /** Enough for every name a burst asks for; beyond it the oldest misses are forgotten at once. */
  private static final int MAX_REMEMBERED_MISSES = 10_000;

  private final AlgorithmStore store;
  private final AlgorithmProperties seed;
  private final PostgresNotifications notifications;
  private final List<Consumer<AlgorithmSettings>> changeListeners = new CopyOnWriteArrayList<>();
  private final Duration missRemembered;
  private final Map<String, Long> missedUntilNanos = new ConcurrentHashMap<>();
  private volatile Map<String, AlgorithmSettings> byName = Map.of();

  /**
   * @param missRemembered how long a name found absent in the database counts as unknown without
   *     asking it again
   */
  AlgorithmRegistry(
      AlgorithmStore store,
      AlgorithmProperties seed,
      PostgresNotifications notifications,
      @Value("${algotask.registry.miss-remembered:1s}") Duration missRemembered) {
    this.store = store;
    this.seed = seed;
    this.notifications = notifications;
    this.missRemembered = missRemembered;
  }

  /**
   * Seeds the configured algorithms, takes its first copy and follows the database's changes. Run
   * once the registry is wired and before it is handed to any other bean, so that none ever finds
   * it empty; a later hook (after all singletons, or once the app runs) would leave a window in
   * which a task arrives for an algorithm not seeded yet.
   */
  @PostConstruct
  void load() {
    seed.algorithms()
        .forEach(
            (name, a) -> {
              var broken = new ArrayList<String>();
              AlgorithmChange.checkTenantWeights(a.tenantWeights(), broken);
              if (!broken.isEmpty()) {
                throw new IllegalStateException("algotask.algorithms." + name + ": " + broken);
              }
              store.insertIfAbsent(a.settings(name));
            });
    reload();
    notifications.listen(AlgorithmStore.CHANGES, name -> reload(), this::reload);
  }

  /**
   * The algorithm, or empty when it is not registered. A name this copy lacks is looked up in the
   * database, unless it was found absent there a moment ago or could never be registered.
   */
  @Override
  public Optional<AlgorithmSettings> find(String name) {
    var known = byName.get(name);
    if (known != null) {
      return Optional.of(known);
    }
    if (!AlgorithmChange.NAME.matcher(name).matches()) {
      return Optional.empty(); // no such name can be in the database
    }
    var now = System.nanoTime();
    var missedUntil = missedUntilNanos.get(name);
    if (missedUntil != null && now - missedUntil < 0) {
      return Optional.empty();
    }
    if (store.find(name).isEmpty()) {
      if (missedUntilNanos.size() >= MAX_REMEMBERED_MISSES) {
        missedUntilNanos.clear();
      }
      missedUntilNanos.put(name, now + missRemembered.toNanos());
      return Optional.empty();
    }
    missedUntilNanos.remove(name);
    reload(); // the announcement is on its way: this copy, and its listeners, take it now
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The algorithm, for a task already accepted. One registered moments ago elsewhere may not have
   * reached this copy yet, so a miss reads the database before it counts as a configuration error.
   */
  public AlgorithmSettings require(String name) {
    var known = byName.get(name);
    if (known != null) {
      return known;
    }
    reload();
    return find(name)
        .orElseThrow(() -> new IllegalStateException("algorithm is not registered: " + name));
  }

  /** Whether this copy knows the algorithm now; never reads the database. */
  public boolean isKnown(String name) {
    return byName.containsKey(name);
  }

  public Collection<AlgorithmSettings> all() {
    return byName.values();
  }

  /**
   * Registers the algorithm or changes it (the fields given replace those stored) and returns its
   * settings now. This process sees the change at once; the others when the database announces it.
   */
  public AlgorithmSettings register(String name, AlgorithmChange change) {
    var settings = store.change(name, current -> change.applyTo(name, current));
    reload();
    return settings;
  }

  /** Called with an algorithm's settings whenever they change, or it is seen for the first time. */
  public void onChange(Consumer<AlgorithmSettings> listener) {
    changeListeners.add(listener);
  }

  private synchronized void reload() {
    var fresh = new TreeMap<String, AlgorithmSettings>();
    store.all().forEach(settings -> fresh.put(settings.name(), settings));
    var before = byName;
    byName = Collections.unmodifiableMap(fresh);
    fresh.values().stream()
        .filter(settings -> !settings.equals(before.get(settings.name())))
        .forEach(this::announce);
  }

  private void announce(AlgorithmSettings settings) {
    for (var listener : changeListeners) {
      try {
        listener.accept(settings);
      } catch (RuntimeException e) {
        log.warn("a listener of algorithm {} failed: {}", settings.name(), e.toString());
      }
    }
  }
}
