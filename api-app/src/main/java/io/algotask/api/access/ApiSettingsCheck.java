package io.algotask.api.access;

import io.algotask.adapters.settings.RequiredSettingsCheck;
import java.util.List;

/** api-app needs, besides the shared settings, the credentials of its callers. */
public class ApiSettingsCheck extends RequiredSettingsCheck {

  @Override
  protected List<Setting> appSettings() {
    return List.of(
        Setting.secret("algotask.api.operator-token"),
        Setting.list("algotask.api.clients", List.of("name", "tenants"), "key"));
  }
}
