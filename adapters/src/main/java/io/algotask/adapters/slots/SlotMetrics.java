package io.algotask.adapters.slots;

import io.algotask.adapters.registry.AlgorithmRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * The slots of each registered algorithm as gauges, read from Redis when scraped: slots in use, the
 * limit and the tasks waiting; and its repair counters, registered at zero so that a rate over them
 * has a start. An algorithm registered later gets its meters when it appears.
 */
@Component
public class SlotMetrics implements MeterBinder {
  private final SlotSemaphore semaphore;
  private final AlgorithmRegistry registry;

  public SlotMetrics(SlotSemaphore semaphore, AlgorithmRegistry registry) {
    this.semaphore = semaphore;
    this.registry = registry;
  }

  @Override
  public void bindTo(MeterRegistry meters) {
    registry.all().forEach(algorithm -> bind(meters, algorithm.name()));
    registry.onChange(algorithm -> bind(meters, algorithm.name()));
  }

  /** Registering a gauge again is harmless: the registry keeps the first. */
  private void bind(MeterRegistry meters, String name) {
    Gauge.builder("algotask.slots.in.use", semaphore, s -> s.holders(name))
        .description("tasks holding a slot of the algorithm")
        .tag("algorithm", name)
        .register(meters);
    Gauge.builder("algotask.slots.waiting", semaphore, s -> s.waiters(name))
        .description("tasks waiting for a slot of the algorithm")
        .tag("algorithm", name)
        .register(meters);
    Gauge.builder(
            "algotask.slots.limit",
            semaphore,
            s -> s.limit(name).orElseGet(() -> registry.require(name).maxConcurrency()))
        .description("the algorithm's concurrency limit in force (an adaptive one as it is now)")
        .tag("algorithm", name)
        .register(meters);
    for (var kind : AlgorithmSlots.REPAIR_KINDS) {
      meters.counter(AlgorithmSlots.REPAIRS, "algorithm", name, "kind", kind);
    }
  }
}
