package io.algotask.adapters.temporal;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.algotask.workflows.model.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the app's Temporal namespace when it is missing, adds the search attributes the task
 * workflows set when they are missing, and waits until the namespace answers, through Temporal's
 * APIs over the app's own connection (its target, TLS and API key). Every step is safe to run again
 * and from several instances at once: what exists is left as it is, and "already exists" from a
 * concurrent run is success.
 *
 * <p>Search attributes are added to the namespace itself, as SQL-backed visibility stores (and the
 * dev server) keep them per namespace; Elasticsearch clusters take the namespace and ignore it.
 */
public class TemporalNamespaceSetup {
  private static final Logger log = LoggerFactory.getLogger(TemporalNamespaceSetup.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(2);

  /** Answers worth waiting out: Temporal away, or not knowing yet what was just registered. */
  private static final Set<Status.Code> PASSING =
      Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.NOT_FOUND);

  /** What a run did: nothing when everything was there already. */
  public record Outcome(boolean registered, List<String> searchAttributesAdded) {}

  private final WorkflowServiceStubs stubs;
  private final String namespace;
  private final NamespaceSetupProperties properties;

  public TemporalNamespaceSetup(
      WorkflowServiceStubs stubs, String namespace, NamespaceSetupProperties properties) {
    this.stubs = stubs;
    this.namespace = namespace;
    this.properties = properties;
  }

  /**
   * Runs the set-up when it is enabled.
   *
   * @throws IllegalStateException when Temporal does not answer within the set-up's timeout, or a
   *     search attribute exists with another type than the workflows set
   */
  public Outcome runIfEnabled() {
    if (!properties.enabled()) {
      return new Outcome(false, List.of());
    }
    return run();
  }

  Outcome run() {
    var deadline = System.nanoTime() + properties.timeout().toNanos();
    var operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder(stubs.getOptions())
                .validateAndBuildWithDefaults());
    try {
      var registered =
          untilAnswered("registering the namespace", deadline, this::registerIfMissing);
      untilAnswered("the namespace answering", deadline, this::countWorkflows);
      var added =
          untilAnswered(
              "adding the search attributes", deadline, () -> addMissingAttributes(operator));
      untilAnswered(
          "the search attributes showing",
          deadline,
          () -> {
            var missing = missingAttributes(operator);
            if (!missing.isEmpty()) {
              throw Status.NOT_FOUND
                  .withDescription("not listed yet: " + missing.keySet())
                  .asRuntimeException();
            }
            return missing;
          });
      log.info(
          "Temporal namespace {} is set up{}{}",
          namespace,
          registered ? ", registered with a retention of " + properties.retention() : "",
          added.isEmpty() ? "" : ", search attributes added: " + added);
      return new Outcome(registered, added);
    } finally {
      operator.shutdown();
      operator.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private boolean registerIfMissing() {
    var blocking = stubs.blockingStub().withDeadlineAfter(CALL_TIMEOUT.toMillis(), MILLISECONDS);
    try {
      blocking.describeNamespace(
          DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
      return false;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    var retention = properties.retention();
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(CALL_TIMEOUT.toMillis(), MILLISECONDS)
          .registerNamespace(
              RegisterNamespaceRequest.newBuilder()
                  .setNamespace(namespace)
                  .setDescription("Algotask's task workflows")
                  .setWorkflowExecutionRetentionPeriod(
                      com.google.protobuf.Duration.newBuilder()
                          .setSeconds(retention.getSeconds())
                          .setNanos(retention.getNano()))
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
        return false; // another instance registered it meanwhile
      }
      throw e;
    }
  }

  /**
   * A call through the server's cache of namespaces: a namespace just registered is known to
   * describe at once, but to the other calls only once every frontend has refreshed its cache.
   */
  private long countWorkflows() {
    return stubs
        .blockingStub()
        .withDeadlineAfter(CALL_TIMEOUT.toMillis(), MILLISECONDS)
        .countWorkflowExecutions(
            CountWorkflowExecutionsRequest.newBuilder().setNamespace(namespace).build())
        .getCount();
  }

  private List<String> addMissingAttributes(OperatorServiceStubs operator) {
    var missing = missingAttributes(operator);
    if (missing.isEmpty()) {
      return List.of();
    }
    try {
      operator
          .blockingStub()
          .withDeadlineAfter(CALL_TIMEOUT.toMillis(), MILLISECONDS)
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace(namespace)
                  .putAllSearchAttributes(missing)
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
      // another instance added them meanwhile
    }
    return List.copyOf(missing.keySet());
  }

  /** The workflows' search attributes the namespace lacks; one of another type stops the start. */
  private Map<String, IndexedValueType> missingAttributes(OperatorServiceStubs operator) {
    var listed =
        operator
            .blockingStub()
            .withDeadlineAfter(CALL_TIMEOUT.toMillis(), MILLISECONDS)
            .listSearchAttributes(
                ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build());
    var missing = new LinkedHashMap<String, IndexedValueType>();
    var conflicts = new ArrayList<String>();
    for (var attribute : SearchAttributes.ALL) {
      var name = attribute.getName();
      var wanted = attribute.getValueType();
      var existing =
          listed
              .getCustomAttributesMap()
              .getOrDefault(name, listed.getSystemAttributesMap().get(name));
      if (existing == null) {
        missing.put(name, wanted);
      } else if (existing != wanted) {
        conflicts.add(name + " is " + existing + ", the workflows set " + wanted);
      }
    }
    if (!conflicts.isEmpty()) {
      throw new IllegalStateException(
          "search attributes of namespace " + namespace + " have another type: " + conflicts);
    }
    return missing;
  }

  /**
   * Runs the step until it answers, waiting out Temporal being away or not knowing yet what was
   * just registered, with growing pauses, until the set-up's deadline.
   */
  private <T> T untilAnswered(String step, long deadline, Supplier<T> call) {
    var pause = FIRST_RETRY;
    while (true) {
      try {
        return call.get();
      } catch (StatusRuntimeException e) {
        if (!PASSING.contains(e.getStatus().getCode())) {
          throw new IllegalStateException(
              "setting up Temporal namespace " + namespace + " failed at " + step + ": " + e, e);
        }
        if (System.nanoTime() + pause.toNanos() > deadline) {
          throw new IllegalStateException(
              "setting up Temporal namespace "
                  + namespace
                  + " did not get past "
                  + step
                  + " within algotask.temporal.namespace-setup.timeout ("
                  + properties.timeout()
                  + "): "
                  + e,
              e);
        }
        log.debug("Temporal namespace set-up, {}: {}; again in {}", step, e.toString(), pause);
        sleep(pause);
        pause =
            pause.multipliedBy(2).compareTo(LONGEST_RETRY) > 0
                ? LONGEST_RETRY
                : pause.multipliedBy(2);
      }
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting up the Temporal namespace", e);
    }
  }
}
