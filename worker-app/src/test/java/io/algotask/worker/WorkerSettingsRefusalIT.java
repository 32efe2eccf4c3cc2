package io.algotask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.testing.AppStart;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outside the local profile, worker-app has no built-in credential, key or algorithm: started
 * without them, or with a development value, it refuses to start and names each setting.
 */
class WorkerSettingsRefusalIT {
  private static final Path JAR = Path.of("target", "algotask-worker-app.jar");
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void withoutTheLocalProfileEveryMissingSettingIsNamedAtOnce() throws Exception {
    var ended = AppStart.runUntilExit(JAR, Map.of(), List.of(), TIMEOUT);

    assertThat(ended.exitCode()).isNotZero();
    assertThat(ended.output())
        .contains("APPLICATION FAILED TO START")
        .contains("missing: spring.datasource.url")
        .contains("missing: spring.temporal.connection.target")
        .contains("missing: algotask.redis.uri")
        .contains(
            "or algotask.redis.cluster-nodes (environment variable ALGOTASK_REDIS_CLUSTERNODES)")
        // without storage keys, the AWS default credential chain is used
        .doesNotContain("missing: algotask.storage")
        .contains("missing: algotask.callback.signing-keys")
        // without invocation signing keys, requests to algorithm services go unsigned
        .doesNotContain("algotask.invocation")
        // the callers' credentials are api-app's alone
        .doesNotContain("algotask.api.")
        .doesNotContain("Started WorkerApplication");
  }

  @Test
  void aStorageAccessKeyWithoutItsSecretIsRefused() throws Exception {
    var environment = new HashMap<>(AppStart.sharedProductionEnvironment());
    environment.remove("ALGOTASK_STORAGE_SECRETKEY");

    var ended = AppStart.runUntilExit(JAR, environment, List.of(), TIMEOUT);

    assertThat(ended.exitCode()).isNotZero();
    assertThat(ended.output())
        .contains(
            "missing: algotask.storage.secret-key (environment variable"
                + " ALGOTASK_STORAGE_SECRETKEY), since algotask.storage.access-key is set")
        .doesNotContain("Started WorkerApplication");
  }

  @Test
  void theDevelopmentSigningKeyIsRefusedUnderAnyId() throws Exception {
    var environment = new HashMap<>(AppStart.sharedProductionEnvironment());
    environment.put("ALGOTASK_CALLBACK_SIGNINGKEYS_1_ID", "renamed");
    environment.put(
        "ALGOTASK_CALLBACK_SIGNINGKEYS_1_SECRET", "algotask-development-signing-key-not-a-secret");

    var ended = AppStart.runUntilExit(JAR, environment, List.of(), TIMEOUT);

    assertThat(ended.exitCode()).isNotZero();
    assertThat(ended.output())
        .contains(
            "a development value (published in README): algotask.callback.signing-keys[1].secret")
        .doesNotContain("missing:")
        .doesNotContain("signing-keys[0].secret");
  }

  @Test
  void theDevelopmentInvocationSigningKeyIsRefused() throws Exception {
    var environment = new HashMap<>(AppStart.sharedProductionEnvironment());
    environment.put("ALGOTASK_INVOCATION_SIGNING_ACTIVEKEYID", "renamed");
    environment.put("ALGOTASK_INVOCATION_SIGNING_KEYS_0_ID", "renamed");
    environment.put(
        "ALGOTASK_INVOCATION_SIGNING_KEYS_0_SECRET",
        "algotask-development-invocation-key-not-a-secret");

    var ended = AppStart.runUntilExit(JAR, environment, List.of(), TIMEOUT);

    assertThat(ended.exitCode()).isNotZero();
    assertThat(ended.output())
        .contains(
            "a development value (published in README):"
                + " algotask.invocation.signing.keys[0].secret")
        .doesNotContain("missing:");
  }
}
