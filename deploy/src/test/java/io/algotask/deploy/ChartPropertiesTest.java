package io.algotask.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every application property the chart sets, in its application.yaml or as an environment variable,
 * is one the app knows: a misspelt or renamed setting would otherwise be ignored silently.
 */
class ChartPropertiesTest {
  /** Prefixes of the environment variables Spring binds to the apps' properties. */
  private static final List<String> PROPERTY_VARIABLE_PREFIXES =
      List.of("SPRING_", "ALGOTASK_", "MANAGEMENT_", "SERVER_");

  private static Map<String, ConfigurationMetadata> metadata;

  @BeforeAll
  static void readTheAppsMetadata() throws Exception {
    metadata =
        Map.of(
            "worker-app", ConfigurationMetadata.ofAppJar(Repository.appJar("worker-app")),
            "api-app", ConfigurationMetadata.ofAppJar(Repository.appJar("api-app")));
  }

  @Test
  void theMetadataCoversTheAppsAndTheirLibraries() {
    for (var app : metadata.keySet()) {
      var known = metadata.get(app);
      // the app's own, Spring Boot's, the Temporal starter's
      assertThat(known.knows("algotask.callback.active-key-id")).as(app).isTrue();
      assertThat(known.knows("spring.datasource.url")).as(app).isTrue();
      assertThat(known.knows("spring.temporal.connection.target")).as(app).isTrue();
      assertThat(known.knows("algotask.algorithms.ocr.max-concurrency")).as(app).isTrue();
      assertThat(known.knows("algotask.callback.signing-keys[1].secret")).as(app).isTrue();
      assertThat(known.knows("algotask.callback.signing-key")).as(app).isFalse();
      assertThat(known.knowsEnvironmentVariable("ALGOTASK_CALLBACK_SIGNINGKEYS_0_ID"))
          .as(app)
          .isTrue();
    }
    assertThat(metadata.get("api-app").knows("algotask.api.operator-token")).isTrue();
    assertThat(metadata.get("worker-app").knows("algotask.reconciler.interval")).isTrue();
  }

  @EveryShape
  void everyPropertyTheChartSetsExists(String shape) throws Exception {
    var chart = HelmChartTest.render(shape);
    var properties = chart.applicationProperties().keySet();
    var placeholders = Set.copyOf(chart.placeholders());
    for (var app : HelmChartTest.APPS) {
      var known = metadata.get(app);
      var unknown = new TreeSet<String>();
      for (var property : properties) {
        if (!known.knows(property)) {
          unknown.add(property);
        }
      }
      for (var variable : chart.environment(app).keySet()) {
        if (isPropertyVariable(variable)
            && !placeholders.contains(variable)
            && !known.knowsEnvironmentVariable(variable)) {
          unknown.add(variable);
        }
      }
      assertThat(unknown).as(app + " does not know these settings").isEmpty();
    }
  }

  private static boolean isPropertyVariable(String variable) {
    return PROPERTY_VARIABLE_PREFIXES.stream().anyMatch(variable::startsWith);
  }
}
