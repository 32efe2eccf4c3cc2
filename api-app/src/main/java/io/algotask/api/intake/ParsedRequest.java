package io.algotask.api.intake;

import io.algotask.adapters.contract.TaskRequest;
import io.algotask.workflows.model.ErrorCode;

/** What a submitted record turned out to be (contract section 1). */
public sealed interface ParsedRequest {

  /**
   * Not a task at all: not a JSON object, or no usable taskId. Goes to the dead-letter topic.
   *
   * @param field the field at fault ({@code taskId}), or null when the record as a whole is
   */
  record NotATask(String reason, String field) implements ParsedRequest {
    NotATask(String reason) {
      this(reason, null);
    }
  }

  /**
   * A task that breaks a rule: recorded (its taskId is used up) and answered with a REJECTED
   * result.
   *
   * @param request what could be read of it, with defaults where a field was unusable
   */
  record Invalid(TaskRequest request, ErrorCode code, String rule) implements ParsedRequest {
    /** The field whose rule is broken: every rule is written "field: what it must be". */
    public String field() {
      var colon = rule.indexOf(':');
      return colon > 0 ? rule.substring(0, colon) : null;
    }
  }

  /** A task to run, with every default resolved. */
  record Valid(TaskRequest request) implements ParsedRequest {}
}
