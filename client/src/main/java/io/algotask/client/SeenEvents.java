package io.algotask.client;

/**
 * The results a {@link ResultConsumer} has handed to the application, by {@code eventId}: what
 * keeps a repeated result from being handled twice. {@link RecentEvents} keeps them in memory; an
 * application that must never handle a result twice, across restarts too, plugs in a store of its
 * own, ideally written in the same transaction as what it does with the result (e.g. a table with
 * the eventId as primary key).
 */
public interface SeenEvents {
  /** True when the result with this eventId was handled already. */
  boolean seen(String eventId);

  /** Records that the result with this eventId has been handled; called right after the handler. */
  void remember(String eventId);
}
