package io.algotask.adapters.registry;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/** The registered algorithms, by name. */
@Component
@EnableConfigurationProperties(AlgorithmProperties.class)
public class AlgorithmRegistry {
  private final Map<String, AlgorithmSettings> byName = new TreeMap<>();

  public AlgorithmRegistry(AlgorithmProperties properties) {
    properties
        .algorithms()
        .forEach(
            (name, a) ->
                byName.put(
                    name,
                    new AlgorithmSettings(
                        name,
                        a.endpoint(),
                        a.cancelEndpoint(),
                        a.maxConcurrency(),
                        a.queueTimeout(),
                        a.executionTimeout(),
                        a.maxAttempts())));
  }

  public Optional<AlgorithmSettings> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The algorithm, for a task already accepted: its absence is a configuration error. */
  public AlgorithmSettings require(String name) {
    return find(name)
        .orElseThrow(() -> new IllegalStateException("algorithm is not registered: " + name));
  }

  public Collection<AlgorithmSettings> all() {
    return byName.values();
  }
}
