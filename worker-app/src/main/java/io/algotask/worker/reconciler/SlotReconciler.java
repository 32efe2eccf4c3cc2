package io.algotask.worker.reconciler;

import io.algotask.adapters.algorithms.AttemptCancellation;
import io.algotask.adapters.records.OpenTasks;
import io.algotask.adapters.records.TaskRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.registry.AlgorithmRegistry;
import io.algotask.adapters.results.TaskResults;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.adapters.slots.HeldSlot;
import io.algotask.adapters.slots.ReconcilerLease;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.adapters.temporal.TaskWorkflowLiveness;
import io.algotask.adapters.temporal.TaskWorkflowLiveness.Liveness;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the slots true to what Temporal and the records say, one pass every few seconds in the one
 * process that holds the {@link ReconcilerLease}. Every step is safe to repeat or to run twice:
 *
 * <ul>
 *   <li>applies the registry's limit (a raise grants at once);
 *   <li>after Redis lost its state (a new epoch), puts back the running and waiting tasks from the
 *       records;
 *   <li>asks Temporal about every holder: a slot of a closed or unknown workflow is freed, and a
 *       task whose workflow was closed from outside (terminated in the Web UI) ends {@code
 *       CANCELLED} with its one result;
 *   <li>signals again a grant not claimed within the claim timeout, unless its workflow says it
 *       holds the slot, at growing intervals ({@link ResignalBackoff});
 *   <li>checks a page of the waiters now and then, removing those whose workflow is gone.
 * </ul>
 *
 * Each repair is logged and counted ({@code algotask.slots.repairs}).
 */
@Component
@EnableConfigurationProperties(ReconcilerProperties.class)
public class SlotReconciler implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(SlotReconciler.class);

  private final ReconcilerProperties properties;
  private final ReconcilerLease lease;
  private final SlotSemaphore semaphore;
  private final AlgorithmSlots slots;
  private final AlgorithmRegistry registry;
  private final TaskWorkflowLiveness liveness;
  private final OpenTasks openTasks;
  private final TaskRecords tasks;
  private final TaskTransitions transitions;
  private final TaskResults results;
  private final AttemptCancellation attempts;

  /** Where the waiter check goes on in each algorithm's queue. */
  private final Map<String, Long> waiterCursors = new ConcurrentHashMap<>();

  /** When each algorithm's waiters were last checked. */
  private final Map<String, Long> waitersCheckedAt = new ConcurrentHashMap<>();

  /** Expired leases counted so far per algorithm, to report the new ones as repairs. */
  private final Map<String, Long> expiredSeen = new ConcurrentHashMap<>();

  /** When each unclaimed grant is due to be signalled again. */
  private final ResignalBackoff resignals;

  private ScheduledExecutorService timer;
  private ScheduledExecutorService renewer;

  SlotReconciler(
      ReconcilerProperties properties,
      ReconcilerLease lease,
      SlotSemaphore semaphore,
      AlgorithmSlots slots,
      AlgorithmRegistry registry,
      TaskWorkflowLiveness liveness,
      OpenTasks openTasks,
      TaskRecords tasks,
      TaskTransitions transitions,
      TaskResults results,
      AttemptCancellation attempts) {
    this.properties = properties;
    this.lease = lease;
    this.semaphore = semaphore;
    this.slots = slots;
    this.registry = registry;
    this.liveness = liveness;
    this.openTasks = openTasks;
    this.tasks = tasks;
    this.transitions = transitions;
    this.results = results;
    this.attempts = attempts;
    this.resignals =
        new ResignalBackoff(
            properties.resignalInterval(), properties.resignalIntervalCap(), System::nanoTime);
  }

  /**
   * One pass over every algorithm, if this process holds the lease. The lease is renewed while the
   * pass runs (a pass over many tasks, or one that waits on Temporal, can outlast it); a pass whose
   * lease is lost all the same stops at its next step, since another process leads now.
   */
  public void reconcileIfLeader() {
    var ttl = properties.interval().multipliedBy(3);
    if (!lease.hold(ttl)) {
      return;
    }
    var renewal = keepLease(ttl);
    try {
      for (var algorithm : registry.all()) {
        if (renewal.lost()) {
          log.warn("the reconciler lease was lost during a pass: the pass stops");
          return;
        }
        try {
          reconcile(algorithm.name(), renewal::held);
        } catch (RuntimeException e) {
          log.warn("reconciling the slots of {} failed: {}", algorithm.name(), e.toString());
        }
      }
    } finally {
      renewal.stop();
    }
  }

  /** One pass over one algorithm, whoever holds the lease. */
  public void reconcile(String algorithm) {
    reconcile(algorithm, () -> true);
  }

  /**
   * One pass over one algorithm.
   *
   * @param goOn asked before each step that may take a while: false ends the pass there
   */
  private void reconcile(String algorithm, BooleanSupplier goOn) {
    slots.applyLimit(algorithm);
    var view = semaphore.inspect(algorithm, properties.claimTimeout());
    reportExpiredLeases(algorithm, view.leasesExpired());
    if (view.needsRebuild()) {
      rebuild(algorithm, view.epoch(), goOn);
      view = semaphore.inspect(algorithm, properties.claimTimeout());
    }
    var unclaimed = view.unclaimed().stream().map(HeldSlot::taskId).collect(Collectors.toSet());
    resignals.retainOnly(algorithm, view.unclaimed());
    if (!goOn.getAsBoolean()) {
      return;
    }
    // every holder described at once (a bounded number in flight), then each acted on
    var workflows = describe(view.holders().stream().map(HeldSlot::taskId).toList());
    for (var holder : view.holders()) {
      if (!goOn.getAsBoolean()) {
        return;
      }
      var workflow = workflows.get(holder.taskId());
      if (workflow != null) { // else not described this time: the next pass asks again
        checkHolder(holder, workflow, unclaimed.contains(holder.taskId()));
      }
    }
    var now = System.nanoTime();
    var lastCheck = waitersCheckedAt.get(algorithm);
    if (lastCheck == null || now - lastCheck >= properties.waiterCheckInterval().toNanos()) {
      waitersCheckedAt.put(algorithm, now);
      checkWaiters(algorithm, goOn);
    }
  }

  /** Renews the lease in the background, at a third of its time to live, until stopped. */
  private LeaseRenewal keepLease(Duration ttl) {
    var renewal = new LeaseRenewal();
    var every = Math.max(1, ttl.toMillis() / 3);
    renewal.task =
        renewer()
            .scheduleAtFixedRate(
                () -> {
                  try {
                    if (!lease.hold(ttl)) {
                      renewal.lost = true;
                    }
                  } catch (RuntimeException e) { // Redis away: the next renewal tries again
                    log.warn("renewing the reconciler lease failed: {}", e.toString());
                  }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
    return renewal;
  }

  /** The lease renewed while a pass runs. */
  private static final class LeaseRenewal {
    private volatile boolean lost;
    private ScheduledFuture<?> task;

    boolean lost() {
      return lost;
    }

    boolean held() {
      return !lost;
    }

    void stop() {
      task.cancel(false);
    }
  }

  private synchronized ScheduledExecutorService renewer() {
    if (renewer == null) {
      renewer =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                var thread = new Thread(runnable, "slot-reconciler-lease");
                thread.setDaemon(true);
                return thread;
              });
    }
    return renewer;
  }

  private void reportExpiredLeases(String algorithm, long expiredSoFar) {
    var before = expiredSeen.put(algorithm, expiredSoFar);
    if (before != null && expiredSoFar > before) {
      log.warn("{} slot lease(s) of {} ran out and were freed", expiredSoFar - before, algorithm);
      slots.countRepair(algorithm, "lease-expired", expiredSoFar - before);
    }
  }

  /**
   * Redis lost the algorithm's state: running tasks come back as holders with the tokens their
   * workflows hold, waiting ones in their old order. Holders beyond the limit (granted in the new
   * epoch before this rebuild) are over-admission: reported, and no task is interrupted for it.
   */
  private void rebuild(String algorithm, String epoch, BooleanSupplier goOn) {
    var started = System.nanoTime();
    var now = Instant.now();
    var entries =
        openTasks.of(algorithm).stream()
            .map(
                task ->
                    task.holdsSlot()
                        ? SlotSemaphore.Entry.holder(
                            task.taskId(), task.slotToken(), nonNegative(now, task.deadline()))
                        : SlotSemaphore.Entry.waiter(
                            task.taskId(),
                            task.tenant(),
                            semaphore.queueScore(task.priority(), task.submittedAt()),
                            Duration.ofSeconds(task.executionTimeoutSeconds())))
            .toList();
    var rebuilt = slots.rebuild(algorithm, epoch, entries, properties.rebuildChunkSize(), goOn);
    if (!rebuilt.done()) {
      return; // Redis lost the state again meanwhile, or the lease: the next pass starts over
    }
    var overLimit = semaphore.holders(algorithm) - slots.limitOf(algorithm);
    log.warn(
        "slots of {} rebuilt from the records under epoch {} in {} ms: {} holder(s), {} waiter(s)"
            + " put back, {} granted{}",
        algorithm,
        epoch,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        rebuilt.holdersBack(),
        rebuilt.waitersBack(),
        rebuilt.granted().size(),
        overLimit > 0 ? ", " + overLimit + " over the limit until they end" : "");
    slots.countRepair(algorithm, "rebuilt-holder", rebuilt.holdersBack());
    slots.countRepair(algorithm, "rebuilt-waiter", rebuilt.waitersBack());
    slots.countRepair(algorithm, "over-admitted", Math.max(0, overLimit));
  }

  private static Duration nonNegative(Instant now, Instant deadline) {
    var left = Duration.between(now, deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** One describe per task, issued together: a pass costs one call per task, in parallel. */
  private Map<String, Liveness> describe(List<String> taskIds) {
    return taskIds.isEmpty() ? Map.of() : liveness.ofAll(taskIds, properties.describeConcurrency());
  }

  private void checkHolder(HeldSlot holder, Liveness workflow, boolean unclaimed) {
    if (workflow.running()) {
      if (unclaimed && resignals.due(holder)) {
        resignalUnlessHeld(holder);
      }
      return;
    }
    // the task ends (and its algorithm hears of the cancel) before its slot goes to another
    endIfClosedFromOutside(holder.taskId(), workflow);
    if (slots.release(holder)) {
      log.warn(
          "freed the slot {} of {} held by task {}, whose workflow is {}",
          holder.token(),
          holder.algorithm(),
          holder.taskId(),
          describe(workflow));
      slots.countRepair(holder.algorithm(), "holder-freed", 1);
    }
  }

  /**
   * A workflow that has the grant already (its worker is slow to claim it) needs no signal: each
   * one would only add to its history. One that cannot say is signalled, at growing intervals.
   */
  private void resignalUnlessHeld(HeldSlot grant) {
    var held = liveness.holdsSlot(grant.taskId(), properties.stateQueryTimeout()).orElse(false);
    resignals.tried(grant); // the interval counts from the signal, after the query
    if (held) {
      log.debug("task {} holds its slot {}, not claimed yet", grant.taskId(), grant.token());
      return;
    }
    log.info(
        "signalling task {} again of its slot {} (next in {} at the earliest)",
        grant.taskId(),
        grant.token(),
        resignals.intervalOf(grant));
    slots.resignal(grant);
    slots.countRepair(grant.algorithm(), "grant-resignalled", 1);
  }

  private void checkWaiters(String algorithm, BooleanSupplier goOn) {
    var from = waiterCursors.getOrDefault(algorithm, 0L);
    var page = semaphore.waiters(algorithm, from, properties.waitersPerCheck());
    long removed = 0;
    var workflows = describe(page);
    for (var taskId : page) {
      if (!goOn.getAsBoolean()) {
        return; // the cursor stays: the next pass checks this page again
      }
      var workflow = workflows.get(taskId);
      if (workflow == null || workflow.running()) {
        continue; // running, or not described this time
      }
      if (slots.leave(new SlotTask(algorithm, taskId))) {
        removed++;
        log.warn(
            "removed task {} from the queue of {}: its workflow is {}",
            taskId,
            algorithm,
            describe(workflow));
        slots.countRepair(algorithm, "waiter-removed", 1);
      }
      endIfClosedFromOutside(taskId, workflow);
    }
    var next = from + page.size() - removed;
    waiterCursors.put(algorithm, page.size() < properties.waitersPerCheck() ? 0L : next);
  }

  /**
   * A workflow that ended without finishing its task (an operator terminated or cancelled it, or it
   * failed) leaves the task open: it ends {@code CANCELLED}, with one result on its reply topic.
   */
  private void endIfClosedFromOutside(String taskId, Liveness workflow) {
    if (!workflow.closed()
        || workflow.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      return;
    }
    var task = tasks.findById(taskId).orElse(null);
    if (task == null || task.status().isTerminal()) {
      return;
    }
    if (task.attempts() > 0) {
      attempts.cancel(taskId, task.attempts(), task.algorithm());
    }
    transitions.recordEnd(
        taskId,
        TaskStatus.CANCELLED,
        task.attempts(),
        ErrorCode.CANCELLED,
        "the task's workflow was " + describe(workflow) + " outside Algotask",
        null,
        TaskWorkflowIds.resultEventId(TaskWorkflowIds.forTask(taskId), workflow.runId()));
    results.publishOnce(taskId);
    log.warn("task {} ended CANCELLED: its workflow was {}", taskId, describe(workflow));
  }

  private static String describe(Liveness workflow) {
    if (workflow.status() == null) {
      return "unknown to Temporal";
    }
    return workflow
        .status()
        .name()
        .substring("WORKFLOW_EXECUTION_STATUS_".length())
        .toLowerCase(Locale.ROOT)
        .replace('_', ' ');
  }

  @Override
  public void start() {
    if (!properties.enabled()) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              var thread = new Thread(runnable, "slot-reconciler");
              thread.setDaemon(true);
              return thread;
            });
    var everyMs = properties.interval().toMillis();
    timer.scheduleWithFixedDelay(this::passSafely, everyMs, everyMs, TimeUnit.MILLISECONDS);
  }

  private void passSafely() {
    try {
      reconcileIfLeader();
    } catch (RuntimeException e) { // Redis away: the next pass tries again
      log.warn("slot reconciliation skipped: {}", e.toString());
    }
  }

  @Override
  public void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    synchronized (this) {
      if (renewer != null) {
        renewer.shutdownNow();
        renewer = null;
      }
    }
  }

  @Override
  public boolean isRunning() {
    return timer != null;
  }
}
