package io.algotask.adapters.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.algotask.adapters.settings.RequiredSettingsCheck.Setting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The shared settings as an app started without the local profile sees them. */
class RequiredSettingsCheckTest {

  private static final RequiredSettingsCheck CHECK =
      new RequiredSettingsCheck() {
        @Override
        protected List<Setting> appSettings() {
          return List.of();
        }
      };

  private static Map<String, Object> production() {
    var settings = new HashMap<String, Object>();
    settings.put("spring.datasource.url", "jdbc:postgresql://db.internal:5432/algotask");
    settings.put("spring.datasource.username", "algotask_app");
    settings.put("spring.datasource.password", "a-production-password");
    settings.put("spring.kafka.bootstrap-servers", "kafka.internal:9092");
    settings.put("spring.temporal.connection.target", "temporal.internal:7233");
    settings.put("algotask.redis.uri", "redis://redis.internal:6379");
    settings.put("algotask.callback.base-url", "https://algotask.internal");
    settings.put("algotask.callback.active-key-id", "2026-12");
    settings.put("algotask.callback.signing-keys[0].id", "2026-12");
    settings.put(
        "algotask.callback.signing-keys[0].secret",
        "a-production-signing-key-of-at-least-32-bytes");
    return settings;
  }

  private static List<String> problemsOf(Map<String, Object> settings) {
    var environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("deployment", settings));
    var refused =
        catchThrowableOfType(
            MissingSettingsException.class,
            () -> CHECK.postProcessEnvironment(environment, new SpringApplication()));
    return refused == null ? List.of() : refused.problems();
  }

  @Test
  void withoutStorageKeysAnAppStartsOnTheDefaultCredentialChain() {
    assertThat(problemsOf(production())).isEmpty();
  }

  @Test
  void storageKeysGivenTogetherAreAccepted() {
    var settings = production();
    settings.put("algotask.storage.access-key", "AKIAEXAMPLE");
    settings.put("algotask.storage.secret-key", "a-production-secret");

    assertThat(problemsOf(settings)).isEmpty();
  }

  @Test
  void oneStorageKeyWithoutTheOtherIsRefusedNamingTheOneMissing() {
    var accessKeyOnly = production();
    accessKeyOnly.put("algotask.storage.access-key", "AKIAEXAMPLE");
    var secretKeyOnly = production();
    secretKeyOnly.put("algotask.storage.secret-key", "a-production-secret");

    assertThat(problemsOf(accessKeyOnly))
        .containsExactly(
            "missing: algotask.storage.secret-key (environment variable"
                + " ALGOTASK_STORAGE_SECRETKEY), since algotask.storage.access-key is set: set"
                + " both or neither");
    assertThat(problemsOf(secretKeyOnly))
        .containsExactly(
            "missing: algotask.storage.access-key (environment variable"
                + " ALGOTASK_STORAGE_ACCESSKEY), since algotask.storage.secret-key is set: set"
                + " both or neither");
  }

  @Test
  void theDevelopmentStorageSecretIsStillRefused() {
    var settings = production();
    settings.put("algotask.storage.access-key", "algotask");
    settings.put("algotask.storage.secret-key", "algotask-secret");

    assertThat(problemsOf(settings))
        .containsExactly("a development value (published in README): algotask.storage.secret-key");
  }

  @Test
  void invocationsMaySignWithAKeyOfTheirOwn() {
    var settings = production();
    settings.put("algotask.invocation.signing.active-key-id", "2026-12");
    settings.put("algotask.invocation.signing.keys[0].id", "2026-12");
    settings.put(
        "algotask.invocation.signing.keys[0].secret", "a-production-invocation-key-of-32-bytes");

    assertThat(problemsOf(settings)).isEmpty();
  }

  @Test
  void theDevelopmentInvocationKeyIsRefused() {
    var settings = production();
    settings.put("algotask.invocation.signing.active-key-id", "dev-invocations-1");
    settings.put("algotask.invocation.signing.keys[0].id", "dev-invocations-1");
    settings.put(
        "algotask.invocation.signing.keys[0].secret",
        "algotask-development-invocation-key-not-a-secret");

    assertThat(problemsOf(settings))
        .containsExactly(
            "a development value (published in README): algotask.invocation.signing.keys[0].secret");
  }

  @Test
  void anActiveInvocationKeyIdNeedsItsKeys() {
    var settings = production();
    settings.put("algotask.invocation.signing.active-key-id", "2026-12");

    assertThat(problemsOf(settings))
        .containsExactly(
            "missing: algotask.invocation.signing.keys: at least one, each with id, secret"
                + " (environment variables ALGOTASK_INVOCATION_SIGNING_KEYS_0_ID, ...)");
  }

  @Test
  void everyOtherMissingSettingIsStillNamed() {
    var settings = production();
    settings.remove("algotask.redis.uri");
    settings.remove("spring.datasource.password");

    assertThat(problemsOf(settings))
        .containsExactly(
            "missing: spring.datasource.password (environment variable"
                + " SPRING_DATASOURCE_PASSWORD)",
            "missing: algotask.redis.uri (environment variable ALGOTASK_REDIS_URI) or"
                + " algotask.redis.cluster-nodes (environment variable"
                + " ALGOTASK_REDIS_CLUSTERNODES)");
  }

  @Test
  void theLocalProfileIsNotChecked() {
    var environment = new StandardEnvironment();
    environment.setActiveProfiles(RequiredSettingsCheck.LOCAL_PROFILE);

    assertThatNoException()
        .isThrownBy(() -> CHECK.postProcessEnvironment(environment, new SpringApplication()));
  }

  // A setting given in one of two ways: the Redis server or a cluster's nodes.

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
