package io.algotask.adapters.registry;

import java.util.Optional;

/** Finding a registered algorithm by name: all that checking a request needs of the registry. */
@FunctionalInterface
public interface AlgorithmLookup {
  Optional<AlgorithmSettings> find(String name);
}
