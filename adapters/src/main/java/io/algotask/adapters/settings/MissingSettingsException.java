package io.algotask.adapters.settings;

import java.util.List;

/** An app was started without settings it needs, or with development credentials. */
public class MissingSettingsException extends IllegalStateException {
  private final List<String> problems;

  public MissingSettingsException(List<String> problems) {
    super(
        "Algotask cannot start outside the '"
            + RequiredSettingsCheck.LOCAL_PROFILE
            + "' profile with these settings:\n  - "
            + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
