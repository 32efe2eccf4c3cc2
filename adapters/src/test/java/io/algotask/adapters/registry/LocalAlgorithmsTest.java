package io.algotask.adapters.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/** The algorithms the local profile seeds: the demo's and, under the tests' profile, the tests'. */
class LocalAlgorithmsTest {

  private static AlgorithmProperties.Algorithm ocrOf(String profile) {
    var environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "app",
                Map.of(
                    "spring.config.import", "classpath:algotask-common.yaml",
                    "spring.config.location", "optional:classpath:/none/")));
    ConfigDataEnvironmentPostProcessor.applyTo(
        environment, new DefaultResourceLoader(), new DefaultBootstrapContext(), profile);
    return Binder.get(environment)
        .bind("algotask", AlgorithmProperties.class)
        .get()
        .algorithms()
        .get("ocr");
  }

  @Test
  void theDemosOcrIsTheOcrService() {
    var ocr = ocrOf("local");

    assertThat(ocr.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8091/ocr"));
    assertThat(ocr.cancelEndpoint()).isEqualTo(URI.create("http://127.0.0.1:8091/ocr/cancel"));
  }

  @Test
  void theTestsOcrIsTheSampleService() {
    var ocr = ocrOf("it");

    assertThat(ocr.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8090/algorithms/ocr"));
    assertThat(ocr.cancelEndpoint())
        .isEqualTo(URI.create("http://127.0.0.1:8090/algorithms/ocr/cancel"));
  }
}
