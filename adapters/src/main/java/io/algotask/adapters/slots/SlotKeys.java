package io.algotask.adapters.slots;

/**
 * The Redis keys of one algorithm's slots, all under one hash tag so that they live in one cluster
 * slot and a script may touch them all. Deleting them (and the tenants' queues) is what a loss of
 * Redis's data does to the algorithm.
 *
 * @param holders zset: task id to lease expiry (ms)
 * @param tokens hash: task id to the fencing token of the slot it holds
 * @param waiters zset: task id to its queue score, every tenant's waiters together
 * @param leases hash: waiting task id to how long it may hold a slot once granted (ms)
 * @param state hash: epoch, token counter, limit, the epoch last rebuilt, repair counters, the
 *     virtual time of the fair share
 * @param granted zset: task id to when a slot was handed to it (ms), until it claims it
 * @param tenantOf hash: waiting task id to its tenant
 * @param backlog zset: tenant with waiters to the start tag of its next grant
 * @param finish zset: tenant without waiters to the start tag its next grant would get
 * @param refused hash: holder whose last invocation the algorithm refused (429, 503), for an
 *     adaptive limit: the holders not in it are what the algorithm has taken
 */
public record SlotKeys(
    String holders,
    String tokens,
    String waiters,
    String leases,
    String state,
    String granted,
    String tenantOf,
    String backlog,
    String finish,
    String refused) {

  static SlotKeys of(String keyPrefix, String algorithm) {
    var prefix = keyPrefix + "{" + algorithm + "}:";
    return new SlotKeys(
        prefix + "holders",
        prefix + "tokens",
        prefix + "waiters",
        prefix + "leases",
        prefix + "state",
        prefix + "granted",
        prefix + "tenant-of",
        prefix + "backlog",
        prefix + "finish",
        prefix + "refused");
  }

  /** The queue of one tenant's waiters (built by the scripts, under the same hash tag). */
  public String queueOf(String tenant) {
    return waiters + ":" + tenant;
  }

  /** All of them, in the order the scripts read them ({@code KEYS[1..10]} in common.lua). */
  public String[] all() {
    return new String[] {
      holders, tokens, waiters, leases, state, granted, tenantOf, backlog, finish, refused
    };
  }
}
