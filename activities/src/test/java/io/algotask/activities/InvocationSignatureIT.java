package io.algotask.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.algotask.activities.AlgorithmService.Answer;
import io.algotask.adapters.algorithms.InvocationSigningProperties;
import io.algotask.adapters.algorithms.SignatureCheck;
import io.algotask.workflows.task.AlgorithmActivities;
import io.algotask.workflows.task.AlgorithmActivities.Invocation;
import io.algotask.workflows.task.AttemptActivities;
import io.algotask.workflows.task.AttemptActivities.AttemptCancelling;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * An algorithm service on loopback receives each invocation and cancel request with an
 * Algotask-Signature that verifies with the key the worker is configured with (the local
 * profile's), signed at its own send.
 */
@SpringBootTest
@ActiveProfiles("it")
class InvocationSignatureIT {
  @Autowired AlgorithmActivitiesImpl algorithmActivities;
  @Autowired AttemptActivitiesImpl attemptActivities;
  @Autowired InvocationSigningProperties signing;
  @Autowired TestTasks tasks;

  private TestActivityEnvironment env;
  private AlgorithmActivities sends;
  private AttemptActivities attempts;
  private AlgorithmService service;

  @BeforeEach
  void setUp() throws Exception {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(algorithmActivities, attemptActivities);
    sends = env.newActivityStub(AlgorithmActivities.class);
    attempts = env.newActivityStub(AttemptActivities.class);
    service = AlgorithmService.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
    service.close();
    tasks.forget();
  }

  private boolean verifies(String header, String body) {
    var key =
        signing.keys().stream()
            .filter(k -> k.id().equals(signing.activeKeyId()))
            .findFirst()
            .orElseThrow();
    return SignatureCheck.verifies(header, body, key.id(), key.secret());
  }

  @Test
  void eachSendAndTheCancelCarryASignatureThatVerifies() {
    assertThat(signing.keys()).as("the local profile configures a key").isNotEmpty();
    var algorithm = tasks.algorithm(service.endpoint(), service.cancelEndpoint(), 1);
    var taskId = tasks.task(algorithm);
    service.answer(Answer.busy(429, 1), Answer.of(202));
    var timeout = Duration.ofSeconds(60);
    var invocation =
        new Invocation(taskId, 1, algorithm, Instant.now().plus(timeout), "no-slot", timeout);
    var before = Instant.now().getEpochSecond();

    assertThat(catchThrowable(() -> sends.invoke(invocation))).as("busy").isNotNull();
    assertThat(sends.invoke(invocation).accepted()).isTrue();
    attempts.cancel(new AttemptCancelling(taskId, 1, algorithm));

    assertThat(service.invocations).hasSize(2);
    assertThat(service.cancels).hasSize(1);
    assertThat(service.signatures).hasSize(3);
    var after = Instant.now().getEpochSecond();
    for (int i = 0; i < 2; i++) {
      assertThat(verifies(service.signatures.get(i), service.invocations.get(i)))
          .as("send %d: %s", i + 1, service.signatures.get(i))
          .isTrue();
    }
    assertThat(verifies(service.signatures.get(2), service.cancels.get(0))).isTrue();
    assertThat(verifies(service.signatures.get(0), service.cancels.get(0)))
        .as("a signature is for its own body")
        .isFalse();
    assertThat(service.signatures)
        .allSatisfy(header -> assertThat(SignatureCheck.signedAt(header)).isBetween(before, after));
  }
}
