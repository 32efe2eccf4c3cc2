package io.algotask.adapters.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.stereotype.Component;

/**
 * Whether a reply topic can take results (contract section 7): it exists and may be written. The
 * answers are cached, a missing topic's briefly, so that a topic created a moment ago is soon
 * usable.
 */
@Component
public class ReplyTopics {
  /** Why a topic cannot take results, or that it can. */
  public enum Usability {
    USABLE(null),
    MISSING("the topic does not exist"),
    NOT_AUTHORISED("not authorised to write to the topic");

    private final String reason;

    Usability(String reason) {
      this.reason = reason;
    }

    /** Why the topic cannot take results; null when it can. */
    public String reason() {
      return reason;
    }
  }

  /** More names than a deployment has topics: a flood of made-up names cannot grow it further. */
  private static final int MAX_REMEMBERED = 10_000;

  private record Answer(Usability usability, long checkedAtNanos) {}

  private final Admin admin;
  private final TopicProperties topics;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  public ReplyTopics(Admin kafkaAdminClient, TopicProperties topics) {
    this.admin = kafkaAdminClient;
    this.topics = topics;
  }

  /** The answer for the topic, from the cache while it is fresh. */
  public Usability check(String topic) {
    var known = cached(topic);
    return known.isPresent() ? known.get() : checkNow(topic, topics.sendTimeout());
  }

  /** The cached answer, if still fresh: asks Kafka nothing. */
  public Optional<Usability> cached(String topic) {
    var answer = answers.get(topic);
    if (answer == null) {
      return Optional.empty();
    }
    var trusted =
        answer.usability() == Usability.USABLE
            ? topics.knownTopicRecheck()
            : topics.missingTopicRecheck();
    return System.nanoTime() - answer.checkedAtNanos() < trusted.toNanos()
        ? Optional.of(answer.usability())
        : Optional.empty();
  }

  /**
   * Asks Kafka now, waiting at most {@code patience}.
   *
   * @throws IllegalStateException when Kafka does not answer: nothing is known then
   */
  public Usability checkNow(String topic, Duration patience) {
    Usability usability;
    try {
      var description =
          admin
              .describeTopics(
                  List.of(topic), new DescribeTopicsOptions().includeAuthorizedOperations(true))
              .allTopicNames()
              .get(Math.max(1, patience.toMillis()), TimeUnit.MILLISECONDS)
              .get(topic);
      var operations = description.authorizedOperations();
      // no authorizer on the broker: no operations are listed, and every one is allowed
      usability =
          operations == null
                  || operations.isEmpty()
                  || operations.contains(AclOperation.WRITE)
                  || operations.contains(AclOperation.ALL)
              ? Usability.USABLE
              : Usability.NOT_AUTHORISED;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        usability = Usability.MISSING;
      } else if (e.getCause() instanceof TopicAuthorizationException) {
        usability = Usability.NOT_AUTHORISED;
      } else {
        throw new IllegalStateException("could not learn whether topic " + topic + " exists", e);
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not say whether topic " + topic + " exists", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topic " + topic, e);
    }
    if (answers.size() >= MAX_REMEMBERED) {
      answers.clear();
    }
    answers.put(topic, new Answer(usability, System.nanoTime()));
    return usability;
  }
}
