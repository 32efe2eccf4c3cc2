package io.algotask.adapters.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.DeleteNamespaceRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The namespace set-up against the local Temporal dev server, on namespaces of random names: the
 * app's context registers its own at start-up, before its workflow client exists.
 */
@SpringBootTest
class TemporalNamespaceSetupIT {
  private static final String NAMESPACE = freshName();
  private static final Map<String, IndexedValueType> ATTRIBUTES =
      Map.of(
          "AlgorithmName", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          "Tenant", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          "TaskStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          "Priority", IndexedValueType.INDEXED_VALUE_TYPE_INT);

  private static final List<String> CREATED = new ArrayList<>(List.of(NAMESPACE));

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.temporal.namespace", () -> NAMESPACE);
    registry.add("algotask.temporal.namespace-setup.enabled", () -> "true");
    registry.add("algotask.temporal.namespace-setup.retention", () -> "3d");
  }

  @Autowired WorkflowServiceStubs stubs;
  @Autowired WorkflowClient client;
  @Autowired NamespaceSetupProperties properties;
  @Autowired ConfigurableListableBeanFactory beanFactory;

  private OperatorServiceStubs operator;

  private static String freshName() {
    return "algotask-setup-it-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @BeforeEach
  void operatorStubs() {
    operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder(stubs.getOptions())
                .validateAndBuildWithDefaults());
  }

  @AfterEach
  void closeOperatorStubs() throws InterruptedException {
    operator.shutdown();
    operator.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** The namespaces of this test are deleted: the dev server is shared. */
  @AfterAll
  static void deleteTheNamespaces() {
    var target = System.getProperty("algotask.temporal.target", "127.0.0.1:7233");
    var cleaner =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget(target)
                .validateAndBuildWithDefaults());
    try {
      for (var namespace : CREATED) {
        try {
          cleaner
              .blockingStub()
              .deleteNamespace(DeleteNamespaceRequest.newBuilder().setNamespace(namespace).build());
        } catch (RuntimeException alreadyGone) {
          // nothing to delete
        }
      }
    } finally {
      cleaner.shutdownNow();
    }
  }

  private Map<String, IndexedValueType> customAttributesOf(String namespace) {
    return operator
        .blockingStub()
        .listSearchAttributes(
            ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
        .getCustomAttributesMap();
  }

  private Duration retentionOf(String namespace) {
    var retention =
        stubs
            .blockingStub()
            .describeNamespace(
                DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build())
            .getConfig()
            .getWorkflowExecutionRetentionTtl();
    return Duration.ofSeconds(retention.getSeconds(), retention.getNanos());
  }

  @Test
  void theAppRegisteredItsNamespaceWithItsRetentionAndSearchAttributesBeforeItsClient() {
    assertThat(retentionOf(NAMESPACE)).isEqualTo(Duration.ofDays(3));
    assertThat(customAttributesOf(NAMESPACE)).containsAllEntriesOf(ATTRIBUTES);
    assertThat(client.getOptions().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(client.countWorkflows("").getCount()).isZero();
    assertThat(beanFactory.getBeanDefinition("temporalWorkflowClient").getDependsOn())
        .contains(TemporalNamespaceSetupConfiguration.SETUP_BEAN);
  }

  @Test
  void aSecondRunChangesNothing() {
    var again = new TemporalNamespaceSetup(stubs, NAMESPACE, properties).run();

    assertThat(again.registered()).isFalse();
    assertThat(again.searchAttributesAdded()).isEmpty();
    assertThat(retentionOf(NAMESPACE)).isEqualTo(Duration.ofDays(3));
  }

  @Test
  void instancesSettingUpOneNewNamespaceAtOnceAllSucceedAndItIsRegisteredOnce() {
    var fresh = freshName();
    CREATED.add(fresh);
    var runs =
        List.of(
            CompletableFuture.supplyAsync(
                () -> new TemporalNamespaceSetup(stubs, fresh, properties).run()),
            CompletableFuture.supplyAsync(
                () -> new TemporalNamespaceSetup(stubs, fresh, properties).run()));

    var outcomes = runs.stream().map(CompletableFuture::join).toList();

    assertThat(outcomes).filteredOn(TemporalNamespaceSetup.Outcome::registered).hasSize(1);
    assertThat(customAttributesOf(fresh)).containsAllEntriesOf(ATTRIBUTES);
    assertThat(retentionOf(fresh)).isEqualTo(Duration.ofDays(3));
  }

  @Test
  void disabledItDoesNothing() {
    var fresh = freshName();
    var disabled = new NamespaceSetupProperties(false, Duration.ofDays(3), Duration.ofSeconds(5));

    var outcome = new TemporalNamespaceSetup(stubs, fresh, disabled).runIfEnabled();

    assertThat(outcome.registered()).isFalse();
    assertThat(outcome.searchAttributesAdded()).isEmpty();
  }
}
