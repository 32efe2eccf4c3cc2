package io.algotask.worker;

import io.algotask.adapters.settings.RequiredSettingsCheck;
import java.util.List;

/** worker-app needs the shared settings alone. */
public class WorkerSettingsCheck extends RequiredSettingsCheck {

  @Override
  protected List<Setting> appSettings() {
    return List.of();
  }
}
