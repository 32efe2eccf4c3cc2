package io.algotask.api.intake;

import java.sql.SQLException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Tells failures that no retry can mend (the record's own data, a topic that is not there or not
 * ours to write) from those of a stack that is away for a while (database, Temporal or Kafka
 * unreachable), which are retried for as long as it takes.
 */
final class IntakeFailures {
  private IntakeFailures() {}

  /** Why the failure will never pass, or null when a retry may succeed. */
  static String permanentReason(Throwable failure) {
    for (var cause = failure; cause != null; cause = next(cause)) {
      if (cause instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("22")) {
        // class 22, data exception: the same data fails the same way every time
        return "the database cannot store it (SQLSTATE " + sql.getSQLState() + ")";
      }
      if (cause instanceof RecordTooLargeException
          || cause instanceof TopicAuthorizationException
          || cause instanceof UnknownTopicOrPartitionException
          || cause instanceof InvalidTopicException) {
        return "Kafka refuses it: " + cause.getClass().getSimpleName();
      }
    }
    return null;
  }

  private static Throwable next(Throwable failure) {
    if (failure instanceof SQLException sql && sql.getNextException() != null) {
      return sql.getNextException();
    }
    var cause = failure.getCause();
    return cause == failure ? null : cause;
  }
}
