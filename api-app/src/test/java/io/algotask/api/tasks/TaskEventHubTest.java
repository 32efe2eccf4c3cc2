package io.algotask.api.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import io.algotask.adapters.records.PostgresNotifications;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Watchers of one task coming and going, as reconnecting clients do, while the task changes. */
class TaskEventHubTest {
  private static final String TASK = "task-1";
  // few clients, so that the set of watchers empties often: the moment a joining watcher can be
  // lost
  private static final int CLIENTS = 2;
  private static final Duration RECONNECTING = Duration.ofSeconds(3);
  private static final Duration HEARING = Duration.ofSeconds(2);

  @Test
  void everyWatcherThatIsRegisteredHearsTheNextChangeInATightReconnectLoop() throws Exception {
    var notifications = mock(PostgresNotifications.class);
    var hub = new TaskEventHub(notifications);
    @SuppressWarnings("unchecked")
    ArgumentCaptor<Consumer<String>> onPayload = ArgumentCaptor.forClass(Consumer.class);
    verify(notifications).listen(eq(TaskEventHub.CHANNEL), onPayload.capture(), any());
    var announce = onPayload.getValue();

    var stop = new AtomicBoolean();
    var deaf = new ConcurrentLinkedQueue<String>();
    var announcer =
        new Thread(
            () -> {
              while (!stop.get()) {
                announce.accept(TASK);
                Thread.onSpinWait();
              }
            });
    announcer.start();
    var clients = new ArrayList<Thread>();
    var reconnects = new AtomicLong();
    var until = System.nanoTime() + RECONNECTING.toNanos();
    for (int c = 0; c < CLIENTS; c++) {
      var client = "client-" + c;
      var thread =
          new Thread(
              () -> {
                while (System.nanoTime() < until && deaf.isEmpty()) {
                  var heard = new CountDownLatch(1);
                  try (var watch = hub.watch(TASK, heard::countDown)) {
                    if (!heard.await(HEARING.toMillis(), TimeUnit.MILLISECONDS)) {
                      deaf.add(client + " after " + reconnects.get() + " reconnects");
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  reconnects.incrementAndGet();
                }
              });
      thread.start();
      clients.add(thread);
    }
    for (var client : clients) {
      client.join();
    }
    stop.set(true);
    announcer.join();

    assertThat(deaf).as("watchers that heard nothing while the task kept changing").isEmpty();
    assertThat(reconnects.get()).isGreaterThan(1000);
    assertThat(hub.watchedTasks()).isZero();
  }
}
