package io.algotask.api.intake;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Takes task requests from Kafka (contract section 1). Nothing is dropped silently: a record that
 * is not a task goes to the dead-letter topic unchanged, a task that breaks a rule gets a REJECTED
 * result, and a failure of the stack is retried (the record is not acknowledged) until it passes.
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
    if (parsed instanceof ParsedRequest.Valid valid) {
      intake.submit(valid);
    } else if (parsed instanceof ParsedRequest.Invalid invalid) {
      intake.reject(invalid);
    } else {
      deadLetter(record, ((ParsedRequest.NotATask) parsed).reason());
    }
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
