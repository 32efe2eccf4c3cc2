package io.algotask.activities;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.records.TaskExecutionRecords;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.task.SlotActivities;
import io.algotask.workflows.task.SlotActivities.SlotAcquisition;
import io.algotask.workflows.task.SlotActivities.SlotRelease;
import io.algotask.workflows.task.SlotActivities.SlotRequest;
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
 * The slots of an algorithm with a limit of one, in the real Redis, each operation run as a worker
 * runs it: granted at once or queued in order, and handed on by whoever frees one. A task that asks
 * again keeps what it has (its slot, or its place): that is how these tests read the state.
 */
@SpringBootTest
@ActiveProfiles("it")
class SlotActivitiesIT {
  @Autowired SlotActivitiesImpl implementation;
  @Autowired TestTasks tasks;
  @Autowired TaskTransitions transitions;
  @Autowired TaskRecords records;
  @Autowired TaskExecutionRecords executions;

  private TestActivityEnvironment env;
  private SlotActivities slots;
  private String algorithm;
  private final Instant arrival = Instant.now();

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(implementation);
    slots = env.newActivityStub(SlotActivities.class);
    algorithm = tasks.algorithm(1);
  }

  @AfterEach
  void tearDown() {
    env.close();
    tasks.forget();
  }

  /** The task's request; each arrives a second after the one before it. */
  private SlotRequest request(String taskId, int place) {
    return new SlotRequest(
        taskId, algorithm, 5, arrival.plusSeconds(place), Duration.ofSeconds(60), "acme");
  }

  @Test
  void acquireGrantsUnderTheLimitAndQueuesBeyondItMarkingTheTaskQueued() {
    var first = tasks.task(algorithm);
    var second = tasks.task(algorithm);
    var third = tasks.task(algorithm);

    var granted = slots.acquire(request(first, 0));
    var queued = slots.acquire(request(second, 1));
    var queuedToo = slots.acquire(request(third, 2));

    assertThat(granted.granted()).isTrue();
    assertThat(granted.token()).isNotBlank();
    assertThat(records.findById(first).orElseThrow().status()).isEqualTo(TaskStatus.ACCEPTED);
    assertThat(queued).isEqualTo(SlotAcquisition.queuedAt(0, 1));
    assertThat(queuedToo).isEqualTo(SlotAcquisition.queuedAt(1, 1));
    assertThat(records.findById(second).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(records.findById(third).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
    // asking again changes nothing
    assertThat(slots.acquire(request(first, 0))).isEqualTo(granted);
    assertThat(slots.acquire(request(second, 1))).isEqualTo(queued);
  }

  @Test
  void releaseHandsTheSlotToTheNextWaiter() {
    var holder = tasks.task(algorithm);
    var next = tasks.task(algorithm);
    var after = tasks.task(algorithm);
    var token = slots.acquire(request(holder, 0)).token();
    slots.acquire(request(next, 1));
    slots.acquire(request(after, 2));

    slots.release(new SlotRelease(holder, algorithm, token));
    slots.release(new SlotRelease(holder, algorithm, token)); // a repeat frees nothing more

    var handedOn = slots.acquire(request(next, 1));
    assertThat(handedOn.granted()).isTrue();
    assertThat(handedOn.token()).isNotEqualTo(token);
    assertThat(slots.acquire(request(after, 2))).isEqualTo(SlotAcquisition.queuedAt(0, 1));
  }

  @Test
  void aWaiterThatLeavesIsPassedOver() {
    var holder = tasks.task(algorithm);
    var leaving = tasks.task(algorithm);
    var staying = tasks.task(algorithm);
    var token = slots.acquire(request(holder, 0)).token();
    slots.acquire(request(leaving, 1));
    slots.acquire(request(staying, 2));

    slots.leave(request(leaving, 1));

    assertThat(slots.acquire(request(staying, 2))).isEqualTo(SlotAcquisition.queuedAt(0, 1));
    slots.release(new SlotRelease(holder, algorithm, token));
    assertThat(slots.acquire(request(staying, 2)).granted()).isTrue();
  }
}
