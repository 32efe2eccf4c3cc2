package io.algotask.api.intake;

import io.algotask.adapters.contract.TaskRequest;
import io.algotask.workflows.model.ErrorCode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Takes task requests from Kafka (contract section 1). Nothing is dropped silently: a record that
 * is not a task goes to the dead-letter topic unchanged, a task that breaks a rule gets a REJECTED
 * result, and a failure of the stack is retried (the record is not acknowledged) until it passes. A
 * failure that no retry can mend (the store cannot hold the record's data, Kafka refuses its
 * answer) is answered at once, so that no record holds up the records behind it.
 */
@Component
public class TaskIntakeListener {
  private static final Logger log = LoggerFactory.getLogger(TaskIntakeListener.class);

  private final TaskRequestParser parser;
  private final TaskIntake intake;
  private final DeadLetters deadLetters;

  public TaskIntakeListener(TaskRequestParser parser, TaskIntake intake, DeadLetters deadLetters) {
    this.parser = parser;
    this.intake = intake;
    this.deadLetters = deadLetters;
  }

  @KafkaListener(topics = "${algotask.topics.requests}")
  public void onRequest(ConsumerRecord<String, byte[]> record) throws Exception {
    var parsed = parser.parse(record.value());
    try {
      take(record, parsed);
    } catch (Exception failure) {
      var reason = IntakeFailures.permanentReason(failure);
      if (reason == null) {
        throw failure; // the stack is away: the error handler tries again until it is back
      }
      if (parsed instanceof ParsedRequest.NotATask notATask) {
        skip(record, notATask.reason(), reason); // the dead-letter topic itself refused it
      } else {
        answerAtOnce(record, parsed, reason);
      }
    }
  }

  private void take(ConsumerRecord<String, byte[]> record, ParsedRequest parsed) throws Exception {
    if (parsed instanceof ParsedRequest.Valid valid) {
      intake.submit(valid);
    } else if (parsed instanceof ParsedRequest.Invalid invalid) {
      intake.reject(invalid);
    } else {
      deadLetter(record, ((ParsedRequest.NotATask) parsed).reason());
    }
  }

  /**
   * Answers a task whose intake can never succeed: REJECTED, with only the fields every rejection
   * can carry; when even that fails, the dead-letter topic.
   */
  private void answerAtOnce(ConsumerRecord<String, byte[]> record, ParsedRequest parsed, String why)
      throws Exception {
    log.warn(
        "record {}-{}@{} cannot be taken ({}): answered at once",
        record.topic(),
        record.partition(),
        record.offset(),
        why);
    var request =
        parsed instanceof ParsedRequest.Valid valid
            ? valid.request()
            : ((ParsedRequest.Invalid) parsed).request();
    var reason = "request: cannot be accepted, " + why;
    var bare =
        new TaskRequest(
            request.taskId(),
            request.algorithm(),
            request.tenant(),
            request.priority(),
            null,
            null,
            request.replyTopic(),
            0,
            0,
            0,
            null);
    try {
      intake.reject(new ParsedRequest.Invalid(bare, ErrorCode.INVALID_REQUEST, reason));
      return;
    } catch (Exception failure) {
      var again = IntakeFailures.permanentReason(failure);
      if (again == null) {
        throw failure;
      }
      reason = reason + "; nor can its rejection, " + again;
    }
    try {
      deadLetter(record, reason);
    } catch (Exception failure) {
      var again = IntakeFailures.permanentReason(failure);
      if (again == null) {
        throw failure;
      }
      skip(record, reason, again);
    }
  }

  /** The one place left is the log: better than holding up every record behind this one. */
  private static void skip(ConsumerRecord<String, byte[]> record, String reason, String why) {
    log.error(
        "record {}-{}@{} skipped: not a task ({}), and the dead-letter topic refuses it ({})",
        record.topic(),
        record.partition(),
        record.offset(),
        reason,
        why);
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) throws Exception {
    log.warn(
        "record {}-{}@{} is not a task ({}): sent to the dead-letter topic",
        record.topic(),
        record.partition(),
        record.offset(),
        reason);
    deadLetters.send(record, reason);
  }
}
