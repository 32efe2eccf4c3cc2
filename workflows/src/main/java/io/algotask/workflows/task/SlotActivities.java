package io.algotask.workflows.task;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Duration;
import java.time.Instant;

/**
 * The concurrency slots of an algorithm, shared by all workers. Every operation is one atomic step
 * on the shared semaphore; whoever frees a slot hands it to the next waiter and signals that
 * waiter's workflow, so a waiting workflow never polls. Run as local activities: each is one quick
 * round trip to Redis.
 */
@ActivityInterface(namePrefix = "Slot")
public interface SlotActivities {

  /**
   * A task asking for a slot of its algorithm.
   *
   * @param arrival the task's place in the queue of its priority; a retried task keeps it
   * @param holdFor how long the holder may legitimately keep the slot (its attempt's timeout)
   * @param tenant whose share of the algorithm's slots the task takes; null in a request recorded
   *     before tenants were sent (the tenant-less queue)
   */
  record SlotRequest(
      String taskId,
      String algorithm,
      int priority,
      Instant arrival,
      Duration holdFor,
      String tenant) {}

  /**
   * The answer to a request: either a slot, named by its fencing token, or a place in the queue.
   *
   * @param position the place in the queue (0 = next) when not granted
   * @param limit the algorithm's limit in force when the task joined the queue (an adaptive one
   *     moves); null when granted, and in histories recorded before it was given
   */
  record SlotAcquisition(boolean granted, String token, Long position, Integer limit) {
    public static SlotAcquisition grantedWith(String token) {
      return new SlotAcquisition(true, token, null, null);
    }

    public static SlotAcquisition queuedAt(long position) {
      return new SlotAcquisition(false, null, position, null);
    }

    public static SlotAcquisition queuedAt(long position, int limit) {
      return new SlotAcquisition(false, null, position, limit);
    }
  }

  /** Takes a free slot at once, or joins the queue; a repeated request changes nothing. */
  @ActivityMethod
  SlotAcquisition acquire(SlotRequest request);

  /**
   * Leaves the queue. If a slot was granted in the meantime it is given back in the same step (and
   * handed on), so a task that stops waiting never keeps one.
   */
  @ActivityMethod
  void leave(SlotRequest request);

  /**
   * A slot its holder gives back.
   *
   * @param token the fencing token of its grant
   */
  record SlotRelease(String taskId, String algorithm, String token) {}

  /**
   * Frees the slot named by the token and hands it to the next waiter; repeating it is harmless.
   */
  @ActivityMethod
  void release(SlotRelease slot);
}
