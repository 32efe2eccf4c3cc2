package io.algotask.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.slots.HeldSlot;
import io.algotask.adapters.slots.ReconcilerLease;
import io.algotask.adapters.slots.SlotConfiguration;
import io.algotask.adapters.slots.SlotLimit;
import io.algotask.adapters.slots.SlotProperties;
import io.algotask.adapters.slots.SlotSemaphore;
import io.algotask.adapters.slots.SlotSemaphore.Claim;
import io.algotask.adapters.slots.SlotTask;
import io.algotask.adapters.testing.LocalRedisCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The slots on a real Redis Cluster of three masters, each with a replica, through the client the
 * configuration builds from {@code algotask.redis.cluster-nodes}: the same scripts as on one
 * server, each algorithm's keys in one slot, algorithms spread over the masters; and a master's
 * failover followed by the client. (The {@code local} profile's {@code algotask.redis.uri} is set
 * too: given cluster nodes, the cluster is used.)
 */
@SpringBootTest(
    classes = {
      RedisConfiguration.class,
      SlotConfiguration.class,
      ReconcilerLease.class,
      SimpleMeterRegistry.class
    })
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterIT {
  private static final Duration HOLD = Duration.ofMinutes(1);
  private static LocalRedisCluster cluster;

  @Autowired SlotSemaphore semaphore;
  @Autowired ReconcilerLease lease;
  @Autowired RedisHealthIndicator health;
  @Autowired SlotProperties slotProperties;
  @Autowired RedisConnection redis;

  @DynamicPropertySource
  static void redisCluster(DynamicPropertyRegistry registry) throws Exception {
    // a short node timeout: a failed master's replica takes over within about two seconds
    cluster = LocalRedisCluster.start(3, 1, Duration.ofMillis(1000));
    registry.add(
        "algotask.redis.cluster-nodes",
        () -> cluster.uris().stream().map(Object::toString).collect(Collectors.joining(",")));
    registry.add("algotask.redis.cluster-topology-refresh", () -> "1s");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void eachAlgorithmsSlotsLiveOnOneMasterAndHoldTheLimitOnEveryMaster() {
    var byMaster = algorithmsOnEveryMaster();
    assertThat(byMaster).as("one algorithm on each of the three masters").hasSize(3);

    for (var entry : byMaster.entrySet()) {
      var master = entry.getKey();
      var algorithm = entry.getValue();
      for (var key : semaphore.keys(algorithm).all()) {
        assertThat(cluster.masterOf(key))
            .as("every key of %s on one master", algorithm)
            .isEqualTo(master);
      }
      var first = granted(algorithm, "t1");
      var second = granted(algorithm, "t2");
      // a tenant's queue, a key the scripts build, lives under the algorithm's hash tag too
      var third =
          semaphore.acquire(
              task(algorithm, "t3"),
              "acme",
              1,
              Instant.now(),
              HOLD,
              SlotLimit.fixed(2),
              Map.of("acme", 2));
      assertThat(third.granted()).as("the limit of 2 holds").isFalse();
      assertThat(third.position()).isZero();
      assertThat(cluster.masterOf(semaphore.keys(algorithm).queueOf("acme")))
          .as("the tenant's queue of %s on the same master", algorithm)
          .isEqualTo(master);
      assertThat(cluster.cli(master, "exists", semaphore.keys(algorithm).holders()).strip())
          .as("the master itself holds the keys")
          .isEqualTo("1");

      assertThat(semaphore.claim(first, HOLD).kind()).isEqualTo(Claim.Kind.HELD);
      var release = semaphore.release(first, 2);
      assertThat(release.freed()).isTrue();
      assertThat(release.othersGranted()).extracting(HeldSlot::taskId).containsExactly("t3");
      assertThat(semaphore.holders(algorithm)).isEqualTo(2);
      assertThat(semaphore.waiters(algorithm)).isZero();
      assertThat(semaphore.release(second, 2).freed()).isTrue();
      assertThat(semaphore.limit(algorithm)).hasValue(2);
    }
  }

  @Test
  @Order(2)
  void oneProcessHoldsTheReconcilerLease() {
    var rival = new ReconcilerLease(redis, slotProperties, new SimpleMeterRegistry());
    var ttl = Duration.ofSeconds(5);
    try {
      assertThat(lease.hold(ttl)).isTrue();
      assertThat(rival.hold(ttl)).isFalse();
      assertThat(lease.hold(ttl)).as("its holder renews it").isTrue();
    } finally {
      redis.sync().del(slotProperties.keyPrefix() + "reconciler");
    }
  }

  @Test
  @Order(3)
  void healthReportsTheClusterUpWithItsMasters() {
    var reported = health.health(true);

    assertThat(reported.getStatus()).isEqualTo(Status.UP);
    assertThat(reported.getDetails())
        .containsEntry("clusterState", "ok")
        .containsEntry("masters", "3")
        .containsKey("version");
  }

  @Test
  @Order(4)
  void aFailedMastersReplicaTakesOverAndTheSlotsWorkAgain() throws Exception {
    var algorithm = algorithmsOnEveryMaster().values().iterator().next();
    var holders = semaphore.keys(algorithm).holders();
    var master = cluster.masterOf(holders);
    var replica = cluster.replicasOf(master).get(0);
    var first = granted(algorithm, "t1");
    granted(algorithm, "t2");
    cluster.awaitReplicasInSync(); // replication is asynchronous: the grants reach the replica

    cluster.kill(master);
    cluster.awaitMaster(replica);
    assertThat(cluster.masterOf(holders)).as("its replica promoted").isEqualTo(replica);

    // the client learns the new topology by itself; until then a command may fail or time out
    var queued =
        await("the slots answer again")
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> acquire(algorithm, "t3"), answer -> true);
    assertThat(queued.granted()).as("both grants made before the failure survived it").isFalse();
    assertThat(semaphore.release(first, 2).othersGranted())
        .extracting(HeldSlot::taskId)
        .containsExactly("t3");
    await("health follows the failover")
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> health.health(true).getStatus(), Status.UP::equals);
  }

  /** One new algorithm per master, found by where its keys' slot lives. */
  private Map<Integer, String> algorithmsOnEveryMaster() {
    var byMaster = new HashMap<Integer, String>();
    var run = UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 64 && byMaster.size() < 3; i++) {
      var algorithm = "cluster-it-" + run + "-" + i;
      byMaster.putIfAbsent(cluster.masterOf(semaphore.keys(algorithm).holders()), algorithm);
    }
    return byMaster;
  }

  private SlotSemaphore.Acquisition acquire(String algorithm, String taskId) {
    return semaphore.acquire(task(algorithm, taskId), 1, Instant.now(), HOLD, 2);
  }

  private HeldSlot granted(String algorithm, String taskId) {
    var acquisition = acquire(algorithm, taskId);
    assertThat(acquisition.granted()).as("%s granted", taskId).isTrue();
    return task(algorithm, taskId).holding(acquisition.token());
  }

  private static SlotTask task(String algorithm, String taskId) {
    return new SlotTask(algorithm, taskId);
  }
}
