package io.algotask.api.intake;

import io.algotask.adapters.contract.TaskRequest;
import io.algotask.adapters.logging.TaskLogContext;
import io.algotask.adapters.tracing.TaskSpans;
import io.algotask.workflows.model.ErrorCode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import jakarta.validation.constraints.Positive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * Takes task requests from Kafka (contract section 1), a batch of a poll at a time. Nothing is
 * dropped silently: a record that is not a task goes to the dead-letter topic unchanged, a task
 * that breaks a rule gets a REJECTED result, and a failure of the stack is retried (the record is
 * not acknowledged) until it passes. A failure that no retry can mend (the store cannot hold the
 * record's data, Kafka refuses its answer) is answered at once, so that no record holds up the
 * records behind it.
 *
 * <p>A batch's valid tasks are recorded in one statement and their workflows started together, each
 * start on a thread of a bounded pool; the batch is acknowledged once every task is recorded and
 * started and every other record answered. When the stack fails, the records before the first that
 * failed are acknowledged and those from it on are taken again: recording and starting are
 * idempotent by taskId, and the answers (dead letters, rejections) are only given to records before
 * it, so none is given twice.
 */
@Component
@EnableConfigurationProperties(TaskIntakeListener.Settings.class)
public class TaskIntakeListener implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(TaskIntakeListener.class);

  /**
   * Settings of the Kafka intake.
   *
   * @param batchSize the most records one poll hands over (the consumer's {@code
   *     max.poll.records}): recorded in one statement, their workflows started together
   * @param startConcurrency workflow starts in flight at once, over all of the app's consumers
   */
  @Validated
  @ConfigurationProperties("algotask.intake")
  public record Settings(
      @DefaultValue("100") @Positive int batchSize,
      @DefaultValue("16") @Positive int startConcurrency) {}

  private final TaskRequestParser parser;
  private final TaskIntake intake;
  private final DeadLetters deadLetters;
  private final Settings settings;
  private final TaskSpans spans;
  private final ExecutorService starts;

  public TaskIntakeListener(
      TaskRequestParser parser,
      TaskIntake intake,
      DeadLetters deadLetters,
      Settings settings,
      TaskSpans spans) {
    this.parser = parser;
    this.intake = intake;
    this.deadLetters = deadLetters;
    this.settings = settings;
    this.spans = spans;
    var threads = new AtomicInteger();
    this.starts =
        Executors.newFixedThreadPool(
            settings.startConcurrency(),
            runnable -> {
              var thread = new Thread(runnable, "intake-start-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** The consumer's {@code max.poll.records}, read by the listener's annotation. */
  public int batchSize() {
    return settings.batchSize();
  }

  @KafkaListener(
      topics = "${algotask.topics.requests}",
      batch = "true",
      properties = "max.poll.records=#{__listener.batchSize()}")
  public void onRequests(List<ConsumerRecord<String, byte[]>> records) {
    var batch = new Batch(records);
    try {
      batch.record();
      batch.start();
      batch.answer();
    } finally {
      batch.endSpans();
    }
    if (batch.failedAt < records.size()) {
      // the records before it are acknowledged; it and those behind it are taken again
      throw new BatchListenerFailedException(
          "the stack failed on record " + batch.failedAt + " of the batch",
          batch.failure,
          batch.failedAt);
    }
  }

  /** One poll's records, what became of each, and where the stack first failed. */
  private final class Batch {
    private final List<ConsumerRecord<String, byte[]>> records;
    private final List<ParsedRequest> parsed;
    private final TaskIntake.Admission[] admissions;

    /** Each record's task's trace starts here, at its intake: the workflow's start joins it. */
    private final Span[] intakeSpans;

    /** Why a record's intake can never succeed, for those answered at once. */
    private final String[] unacceptable;

    private int failedAt;
    private Exception failure;

    Batch(List<ConsumerRecord<String, byte[]>> records) {
      this.records = records;
      this.parsed = records.stream().map(record -> parser.parse(record.value())).toList();
      this.admissions = new TaskIntake.Admission[records.size()];
      this.unacceptable = new String[records.size()];
      this.failedAt = records.size();
      this.intakeSpans = new Span[records.size()];
      for (var i = 0; i < records.size(); i++) {
        intakeSpans[i] = spans.intake(records.get(i));
        if (parsed.get(i) instanceof ParsedRequest.Valid valid) {
          intakeSpans[i].setAttribute(TaskSpans.TASK_ID, valid.request().taskId());
        } else if (parsed.get(i) instanceof ParsedRequest.Invalid invalid) {
          intakeSpans[i].setAttribute(TaskSpans.TASK_ID, invalid.request().taskId());
        }
      }
    }

    void endSpans() {
      for (var i = 0; i < intakeSpans.length; i++) {
        if (i >= failedAt) {
          intakeSpans[i].setStatus(StatusCode.ERROR, "taken again");
        }
        intakeSpans[i].end();
      }
    }

    /** The stack failed on this record: it and every record behind it are taken again. */
    private void failed(int index, Exception cause) {
      if (index < failedAt) {
        failedAt = index;
        failure = cause;
      }
    }

    /** Records the valid tasks, in one statement unless a record spoils it. */
    void record() {
      var valid = new ArrayList<Integer>();
      for (var i = 0; i < parsed.size(); i++) {
        if (parsed.get(i) instanceof ParsedRequest.Valid) {
          valid.add(i);
        }
      }
      if (valid.isEmpty()) {
        return;
      }
      try {
        var admitted =
            intake.recordAll(valid.stream().map(i -> (ParsedRequest.Valid) parsed.get(i)).toList());
        for (var k = 0; k < valid.size(); k++) {
          admissions[valid.get(k)] = admitted.get(k);
        }
        return;
      } catch (RuntimeException failure) {
        if (IntakeFailures.permanentReason(failure) == null) {
          failed(valid.get(0), failure);
          return;
        }
      }
      // one record the store can never hold fails the whole statement: each alone, so that only
      // that one is answered at once
      for (var i : valid) {
        try {
          admissions[i] = intake.record((ParsedRequest.Valid) parsed.get(i));
        } catch (RuntimeException failure) {
          var reason = IntakeFailures.permanentReason(failure);
          if (reason == null) {
            failed(i, failure);
            return;
          }
          unacceptable[i] = reason;
        }
      }
    }

    /** Starts the recorded tasks' workflows together, and waits for every start. */
    void start() {
      var started = new LinkedHashMap<Integer, Future<?>>();
      for (var i = 0; i < failedAt; i++) {
        var admission = admissions[i];
        if (admission == null) {
          continue;
        }
        try {
          var inItsTrace = Context.current().with(intakeSpans[i]);
          started.put(i, starts.submit(inItsTrace.wrap(() -> intake.start(admission))));
        } catch (RejectedExecutionException stopping) {
          failed(i, stopping);
        }
      }
      for (var entry : started.entrySet()) {
        var i = entry.getKey();
        try {
          entry.getValue().get();
        } catch (ExecutionException e) {
          var cause = e.getCause() instanceof Exception exception ? exception : e;
          var reason = IntakeFailures.permanentReason(cause);
          if (reason == null) {
            failed(i, cause);
          } else {
            unacceptable[i] = reason;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failed(i, e);
          return;
        }
      }
    }

    /**
     * Answers, in order, the records before the first failure that need an answer: dead letters,
     * rejections, and tasks that can never be taken. Stops at the first that fails.
     */
    void answer() {
      for (var i = 0; i < failedAt; i++) {
        try (var inItsTrace = intakeSpans[i].makeCurrent()) {
          answerRecord(records.get(i), parsed.get(i), unacceptable[i]);
        } catch (Exception failure) {
          failed(i, failure);
          return;
        }
      }
    }
  }

  /**
   * Gives a record the answer it needs: a dead letter, a rejection, or, with why its intake can
   * never succeed, the answer at once. A task recorded and started needs none.
   */
  private void answerRecord(ConsumerRecord<String, byte[]> record, ParsedRequest parsed, String why)
      throws Exception {
    if (why != null) {
      answerAtOnce(record, parsed, why);
      return;
    }
    if (parsed instanceof ParsedRequest.Valid) {
      return; // recorded and started
    }
    try (var logged = logContextOf(parsed)) {
      if (parsed instanceof ParsedRequest.Invalid invalid) {
        intake.reject(invalid);
      } else {
        deadLetter(record, ((ParsedRequest.NotATask) parsed).reason());
      }
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

  private static TaskLogContext logContextOf(ParsedRequest parsed) {
    return parsed instanceof ParsedRequest.Invalid invalid
        ? TaskLogContext.of(invalid.request().taskId(), invalid.request().algorithm())
        : TaskLogContext.of(null, null);
  }

  @Override
  public void destroy() {
    starts.shutdown();
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
