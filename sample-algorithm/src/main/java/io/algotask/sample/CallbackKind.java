package io.algotask.sample;

import java.util.Locale;

/** Which callback of an attempt is being sent. */
enum CallbackKind {
  /** the attempt's report, sent as soon as its work is done */
  ON_TIME,
  /** the attempt's report, held until after its deadline (lateCallbackRate) */
  LATE,
  /** the same report again, after the first was answered (duplicateCallbackRate) */
  REPEATED,
  /** the other status, after the report was answered (conflictingCallbackRate) */
  CONFLICTING;

  /** The attempt's own report: it ends the attempt and, at the orchestrator, frees its slot. */
  boolean reportsTheAttempt() {
    return this == ON_TIME || this == LATE;
  }

  /** For the log: {@code on time}, {@code late}, ... */
  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
