package io.algotask.adapters.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.settings.RequiredSettingsCheck.Setting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The check's verdicts on a configuration, without starting an app. */
class RequiredSettingsCheckTest {
  private static final List<Setting> SETTINGS =
      List.of(
          Setting.value("spring.kafka.bootstrap-servers"),
          Setting.oneOf("algotask.redis.uri", "algotask.redis.cluster-nodes"),
          Setting.secret("algotask.storage.secret-key"));

  @Test
  void oneMessageNamesEveryMissingSettingWithBothWaysToGiveRedis() {
    assertThat(problems(Map.of()))
        .containsExactly(
            "missing: spring.kafka.bootstrap-servers (environment variable"
                + " SPRING_KAFKA_BOOTSTRAPSERVERS)",
            "missing: algotask.redis.uri (environment variable ALGOTASK_REDIS_URI) or"
                + " algotask.redis.cluster-nodes (environment variable"
                + " ALGOTASK_REDIS_CLUSTERNODES)",
            "missing: algotask.storage.secret-key (environment variable"
                + " ALGOTASK_STORAGE_SECRETKEY)");
  }

  @Test
  void oneServerOrTheNodesOfAClusterWillDo() {
    var others =
        Map.of(
            "spring.kafka.bootstrap-servers", "kafka:9092",
            "algotask.storage.secret-key", "a-secret");
    assertThat(problems(with(others, "algotask.redis.uri", "redis://redis:6379"))).isEmpty();
    assertThat(
            problems(
                with(others, "algotask.redis.cluster-nodes", "redis://r1:6379,redis://r2:6379")))
        .isEmpty();
    // as the environment variables ALGOTASK_REDIS_CLUSTERNODES_0, _1 give them
    assertThat(problems(with(others, "algotask.redis.cluster-nodes[0]", "redis://r1:6379")))
        .isEmpty();
    assertThat(problems(with(others, "algotask.redis.cluster-nodes", " "))).hasSize(1);
  }

  @Test
  void oneServerAndAClusterTogetherAreRefused() {
    var settings =
        Map.of(
            "spring.kafka.bootstrap-servers", "kafka:9092",
            "algotask.storage.secret-key", "a-secret",
            "algotask.redis.uri", "redis://redis:6379",
            "algotask.redis.cluster-nodes[0]", "redis://r1:6379");

    assertThat(problems(settings))
        .containsExactly("only one of: algotask.redis.uri, algotask.redis.cluster-nodes");
  }

  private static List<String> problems(Map<String, String> settings) {
    return RequiredSettingsCheck.problems(
        new Binder(new MapConfigurationPropertySource(settings)), null, SETTINGS);
  }

  private static Map<String, String> with(Map<String, String> others, String name, String value) {
    var all = new HashMap<>(others);
    all.put(name, value);
    return all;
  }
}
