package io.algotask.adapters.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
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
  void everyOtherMissingSettingIsStillNamed() {
    var settings = production();
    settings.remove("algotask.redis.uri");
    settings.remove("spring.datasource.password");

    assertThat(problemsOf(settings))
        .containsExactly(
            "missing: spring.datasource.password (environment variable"
                + " SPRING_DATASOURCE_PASSWORD)",
            "missing: algotask.redis.uri (environment variable ALGOTASK_REDIS_URI)");
  }

  @Test
  void theLocalProfileIsNotChecked() {
    var environment = new StandardEnvironment();
    environment.setActiveProfiles(RequiredSettingsCheck.LOCAL_PROFILE);

    assertThatNoException()
        .isThrownBy(() -> CHECK.postProcessEnvironment(environment, new SpringApplication()));
  }
}
