package io.algotask.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.testing.AppStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outside the local profile, api-app has no built-in credential, key or algorithm: started without
 * them, or with a development value, it refuses to start and names each setting.
 */
class ApiSettingsRefusalIT {
  private static final Path JAR = Path.of("target", "algotask-api-app.jar");
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void withoutTheLocalProfileEveryMissingSettingIsNamedAtOnce() throws Exception {
    var ended = AppStart.runUntilExit(JAR, Map.of(), List.of(), TIMEOUT);

    assertThat(ended.exitCode()).isNotZero();
    assertThat(ended.output())
        .contains("APPLICATION FAILED TO START")
        .contains("missing: spring.datasource.url (environment variable SPRING_DATASOURCE_URL)")
        .contains("missing: spring.datasource.password")
        .contains("missing: spring.kafka.bootstrap-servers")
        .contains("missing: spring.temporal.connection.target")
        .contains("missing: algotask.redis.uri")
        .contains(
            "or algotask.redis.cluster-nodes (environment variable ALGOTASK_REDIS_CLUSTERNODES)")
        // without storage keys, the AWS default credential chain is used
        .doesNotContain("missing: algotask.storage")
        .contains("missing: algotask.callback.signing-keys")
        .contains("ALGOTASK_CALLBACK_SIGNINGKEYS_0_ID")
        .contains("missing: algotask.callback.active-key-id")
        .contains(
            "missing: algotask.api.operator-token (environment variable ALGOTASK_API_OPERATORTOKEN)")
        .contains("missing: algotask.api.clients")
        .contains("--spring.profiles.active=local")
        // nothing was tried before the refusal
        .doesNotContain("HikariPool")
        .doesNotContain("Started ApiApplication");
  }

  @Test
  void aDevelopmentCredentialFromTheEnvironmentOrAMountedSecretIsRefused(@TempDir Path secrets)
      throws Exception {
    // a mounted secret folder, as Kubernetes makes of a Secret: one file per setting
    Files.writeString(secrets.resolve("algotask.api.clients.0.name"), "billing");
    Files.writeString(secrets.resolve("algotask.api.clients.0.key"), "algotask-dev-client-key");
    Files.writeString(secrets.resolve("algotask.api.clients.0.tenants"), "acme,globex");
    Files.writeString(secrets.resolve("algotask.callback.signing-keys.0.id"), "2026-12");
    Files.writeString(
        secrets.resolve("algotask.callback.signing-keys.0.secret"),
        "a-production-signing-key-of-at-least-32-bytes");
    var environment = new HashMap<>(AppStart.sharedProductionEnvironment());
    // the signing key comes from the mounted folder instead
    environment.remove("ALGOTASK_CALLBACK_SIGNINGKEYS_0_ID");
    environment.remove("ALGOTASK_CALLBACK_SIGNINGKEYS_0_SECRET");
    environment.put("SPRING_CONFIG_IMPORT", "configtree:" + secrets.toAbsolutePath() + "/");
    environment.put("ALGOTASK_STORAGE_SECRETKEY", "algotask-secret");
    environment.put("ALGOTASK_API_OPERATORTOKEN", "algotask-dev-operator-token");

    var ended = AppStart.runUntilExit(JAR, environment, List.of(), TIMEOUT);

    assertThat(ended.exitCode()).isNotZero();
    assertThat(ended.output())
        .contains("a development value (published in README): algotask.api.operator-token")
        .contains("a development value (published in README): algotask.api.clients[0].key")
        .contains("a development value (published in README): algotask.storage.secret-key")
        // every other setting was found, in the environment or the mounted folder
        .doesNotContain("missing:")
        .doesNotContain("signing-keys[0].secret");
  }
}
