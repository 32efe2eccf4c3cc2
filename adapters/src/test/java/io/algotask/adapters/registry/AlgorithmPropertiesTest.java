package io.algotask.adapters.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The algorithms as start-up properties configure them. */
class AlgorithmPropertiesTest {

  private static AlgorithmProperties.Algorithm bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bind("algotask", AlgorithmProperties.class)
        .get()
        .algorithms()
        .get("ocr");
  }

  @Test
  void tenantWeightsAreConfiguredByTenantAndAbsentWhenNoneIs() {
    var ocr =
        bind(
            Map.of(
                "algotask.algorithms.ocr.endpoint", "http://127.0.0.1:9/ocr",
                "algotask.algorithms.ocr.tenant-weights.acme", "3",
                // a tenant whose name holds a dot is named in brackets
                "algotask.algorithms.ocr.tenant-weights[beta.eu]", "2"));

    assertThat(ocr.tenantWeights()).containsOnly(entry("acme", 3), entry("beta.eu", 2));
    assertThat(bind(Map.of("algotask.algorithms.ocr.endpoint", "http://127.0.0.1:9/ocr")))
        .extracting(AlgorithmProperties.Algorithm::tenantWeights)
        .isNull();
  }
}
