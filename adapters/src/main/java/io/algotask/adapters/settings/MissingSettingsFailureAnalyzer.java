package io.algotask.adapters.settings;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says at start-up, in one place, which settings are missing and how to give them. */
class MissingSettingsFailureAnalyzer extends AbstractFailureAnalyzer<MissingSettingsException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MissingSettingsException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Set each one through the environment (the variable named beside it) or a mounted secret"
            + " (spring.config.import=configtree:<folder>/, one file per setting named like"
            + " algotask.callback.signing-keys.0.secret), with values of your own; see README 'Running in"
            + " production'. For the local stack of ./algotask, start with the profile '"
            + RequiredSettingsCheck.LOCAL_PROFILE
            + "' (--spring.profiles.active=local).",
        cause);
  }
}
