package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.algotask.demo.process.JavaProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a Redis Cluster of three masters of the test's own (redis-server in cluster mode on free
 * loopback ports, joined with redis-cli), so that the run's keys lie on several masters.
 */
class RedisKeysClusterIT {
  private static final List<Process> SERVERS = new ArrayList<>();
  private static final List<String> NODES = new ArrayList<>();
  private static Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    dir = Files.createTempDirectory("redis-cluster-it");
    var addresses = new ArrayList<String>();
    for (int i = 0; i < 3; i++) {
      var port = portWithFreeBus();
      var node = dir.resolve("node-" + port);
      Files.createDirectories(node);
      SERVERS.add(
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--cluster-enabled",
                  "yes",
                  "--cluster-config-file",
                  "nodes.conf",
                  "--dir",
                  node.toString(),
                  "--save",
                  "",
                  "--appendonly",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(node.resolve("redis.log").toFile())
              .start());
      addresses.add("127.0.0.1:" + port);
      NODES.add("redis://127.0.0.1:" + port);
    }
    for (var node : NODES) {
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> ping(node));
    }
    var create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    create.addAll(addresses);
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    var joining = new ProcessBuilder(create).redirectErrorStream(true).start();
    var output = new String(joining.getInputStream().readAllBytes());
    assertThat(joining.waitFor()).as(output).isZero();
    for (var node : NODES) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> clusterInfo(node).contains("cluster_state:ok"));
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (var server : SERVERS) {
      server.destroy();
      server.waitFor();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void deletesEveryMatchingKeyOnEveryMasterAndNoOther() {
    var prefix = "algotask:bench-test:" + UUID.randomUUID() + ":";
    var client = RedisClusterClient.create(NODES.stream().map(RedisURI::create).toList());
    try (var connection = client.connect()) {
      var redis = connection.sync();
      var slots = new HashSet<Integer>();
      // more than one SCAN batch, under many hash tags: every master holds some
      for (int i = 0; i < 1_500; i++) {
        var key = prefix + "run:{a" + i + "}:state";
        redis.set(key, "x");
        slots.add(SlotHash.getSlot(key));
      }
      redis.zadd(prefix + "run:{b}:holders", 1, "task");
      redis.set(prefix + "other:{c}:state", "kept");
      assertThat(slots).anyMatch(s -> s < 5461).anyMatch(s -> s > 10922);

      assertThat(RedisKeys.deleteMatching("redis://unused", NODES, prefix + "run:*"))
          .isEqualTo(1_501);

      assertThat(redis.keys(prefix + "*")).containsExactly(prefix + "other:{c}:state");
      assertThat(RedisKeys.deleteMatching("redis://unused", NODES, prefix + "*")).isEqualTo(1);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static boolean ping(String node) {
    return "PONG".equals(ask(node, RedisCommands::ping));
  }

  private static String clusterInfo(String node) {
    return ask(node, RedisCommands::clusterInfo);
  }

  private static String ask(String node, Function<RedisCommands<String, String>, String> command) {
    var client = RedisClient.create(node);
    try (var connection = client.connect()) {
      return command.apply(connection.sync());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** A free port whose cluster bus port (10,000 above) is free too. */
  private static int portWithFreeBus() throws IOException {
    while (true) {
      var port = JavaProcess.freePort();
      if (port + 10_000 > 65_535) {
        continue;
      }
      try (var bus = new ServerSocket(port + 10_000)) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
  }
}
