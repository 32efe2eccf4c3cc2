package io.algotask.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * What the apps refuse to start without outside the local profile (adapters' RequiredSettingsCheck
 * and each app's own list), as environment variables. The Redis address and the static storage keys
 * have alternatives: each check looks at them apart.
 */
final class RequiredSettings {
  private static final List<String> SHARED =
      List.of(
          "spring.datasource.url",
          "spring.datasource.username",
          "spring.datasource.password",
          "spring.kafka.bootstrap-servers",
          "spring.temporal.connection.target",
          "algotask.callback.base-url",
          "algotask.callback.active-key-id",
          "algotask.callback.signing-keys[0].id",
          "algotask.callback.signing-keys[0].secret");

  private static final List<String> API_APP =
      List.of(
          "algotask.api.operator-token",
          "algotask.api.clients[0].name",
          "algotask.api.clients[0].key",
          "algotask.api.clients[0].tenants");

  /** One Redis or a Redis Cluster. */
  static final List<String> REDIS = List.of("ALGOTASK_REDIS_URI", "ALGOTASK_REDIS_CLUSTERNODES_0");

  /** Static storage keys: both or neither (then the AWS default credential chain). */
  static final List<String> STORAGE_KEYS =
      List.of("ALGOTASK_STORAGE_ACCESSKEY", "ALGOTASK_STORAGE_SECRETKEY");

  private RequiredSettings() {}

  /** The app's required settings, each as the environment variable that sets it. */
  static List<String> of(String app) {
    var required = new ArrayList<>(SHARED);
    if (app.startsWith("api-app")) {
      required.addAll(API_APP);
    }
    return required.stream().map(FlatYaml::environmentVariable).toList();
  }
}
