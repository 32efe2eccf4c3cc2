package io.algotask.adapters.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small real Redis Cluster on loopback for a test: {@code redis-server} processes in cluster mode
 * on free ports, each with its files in a temporary folder, joined by {@code redis-cli --cluster
 * create}. The test started every process, so it stops each by its own handle (its pid), never by
 * name. Read-outs (which node serves a key, who is master) go through {@code redis-cli}, so they do
 * not depend on the client under test.
 */
public final class LocalRedisCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Path folder;
  private final Map<Integer, Process> nodes = new LinkedHashMap<>();

  private LocalRedisCluster(Path folder) {
    this.folder = folder;
  }

  /**
   * Starts {@code masters} masters, each with {@code replicasPerMaster} replicas, and returns once
   * every node says the cluster is ok and every replica is in sync with its master.
   *
   * @param nodeTimeout {@code cluster-node-timeout}: how long a node may be unreachable before the
   *     others mark it failed and promote one of its replicas
   */
  public static LocalRedisCluster start(int masters, int replicasPerMaster, Duration nodeTimeout)
      throws IOException {
    var cluster = new LocalRedisCluster(Files.createTempDirectory("algotask-redis-cluster-"));
    try {
      for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
        cluster.startNode(freePort(), nodeTimeout);
      }
      var create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      cluster.nodes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
      create.addAll(
          List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
      run(create);
      cluster.awaitOk();
      cluster.awaitReplicasInSync();
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The nodes as Lettuce uris, for {@code algotask.redis.cluster-nodes}. */
  public List<URI> uris() {
    return nodes.keySet().stream().map(port -> URI.create("redis://127.0.0.1:" + port)).toList();
  }

  /** The port of the master that serves the key's slot now, as the living nodes see it. */
  public int masterOf(String key) {
    var slot = Integer.parseInt(cli(anyLivingPort(), "cluster", "keyslot", key).strip());
    return topology().stream()
        .filter(node -> node.master() && !node.failed() && node.serves(slot))
        .map(Node::port)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
  }

  /** The ports of the replicas of the master. */
  public List<Integer> replicasOf(int masterPort) {
    var topology = topology();
    var id =
        topology.stream().filter(node -> node.port() == masterPort).findFirst().orElseThrow().id();
    return topology.stream()
        .filter(node -> id.equals(node.masterId()))
        .map(Node::port)
        .sorted()
        .toList();
  }

  /** Runs a command on one node, bypassing the cluster's routing; returns its raw reply. */
  public String cli(int port, String... command) {
    var args = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    args.addAll(List.of(command));
    return run(args);
  }

  /** Kills the node (SIGKILL, by its pid), as a crash or a lost machine would. */
  public void kill(int port) throws InterruptedException {
    var process = nodes.remove(port);
    if (process == null) {
      throw new IllegalArgumentException("no node of this cluster runs on " + port);
    }
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Waits until the node is a master in every living node's view, and the cluster ok: a replica's
   * promotion after its master failed.
   */
  public void awaitMaster(int port) {
    awaitUntil(
        "node " + port + " a master",
        () ->
            nodes.keySet().stream()
                .allMatch(
                    viewer ->
                        topology(viewer).stream()
                            .anyMatch(node -> node.port() == port && node.master())));
    awaitOk();
  }

  /** Waits until every living node says the cluster is ok. */
  public void awaitOk() {
    awaitUntil(
        "cluster_state:ok on every node",
        () ->
            nodes.keySet().stream()
                .allMatch(port -> cli(port, "cluster", "info").contains("cluster_state:ok")));
  }

  @Override
  public void close() {
    for (var process : nodes.values()) {
      process.destroyForcibly();
    }
    for (var process : nodes.values()) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    nodes.clear();
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }

  private void startNode(int port, Duration nodeTimeout) throws IOException {
    var process =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes-" + port + ".conf",
                "--cluster-node-timeout",
                Long.toString(nodeTimeout.toMillis()),
                "--dir",
                folder.toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(folder.resolve("redis-" + port + ".log").toFile())
            .start();
    nodes.put(port, process);
    awaitUntil("redis-server on " + port, () -> cli(port, "ping").strip().equals("PONG"));
  }

  /** Waits until each master's replicas have acknowledged all it has written. */
  public void awaitReplicasInSync() {
    awaitUntil(
        "replicas in sync",
        () ->
            topology().stream()
                .filter(Node::master)
                .allMatch(master -> inSync(cli(master.port(), "info", "replication"))));
  }

  private static boolean inSync(String replication) {
    var offset = field(replication, "master_repl_offset").orElseThrow();
    var replicas = replication.lines().filter(line -> line.matches("slave\\d+:.*")).toList();
    return !replicas.isEmpty()
        && replicas.stream()
            .allMatch(
                line -> line.contains("state=online") && line.contains(",offset=" + offset + ","));
  }

  /** CLUSTER NODES, as the first living node sees it. */
  private List<Node> topology() {
    return topology(anyLivingPort());
  }

  private List<Node> topology(int viewer) {
    return cli(viewer, "cluster", "nodes").lines().map(Node::parse).toList();
  }

  private int anyLivingPort() {
    return nodes.keySet().iterator().next();
  }

  /** Polls the condition until it holds, a failure to ask counting as not yet. */
  private static void awaitUntil(String what, Callable<Boolean> condition) {
    await(what)
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(condition);
  }

  private static Optional<String> field(String reply, String name) {
    return reply
        .lines()
        .filter(line -> line.startsWith(name + ":"))
        .map(line -> line.substring(name.length() + 1).strip())
        .findFirst();
  }

  /**
   * One line of CLUSTER NODES: {@code id ip:port@busport flags master-id ping pong epoch link
   * slots...}.
   */
  private record Node(
      String id, int port, List<String> flags, String masterId, List<String> slotRanges) {
    static Node parse(String line) {
      var fields = line.strip().split(" ");
      var address = fields[1];
      var port =
          Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
      var slots = List.of(fields).subList(8, fields.length);
      return new Node(fields[0], port, List.of(fields[2].split(",")), fields[3], slots);
    }

    boolean master() {
      return flags.contains("master");
    }

    boolean failed() {
      return flags.contains("fail") || flags.contains("fail?");
    }

    boolean serves(int slot) {
      for (var range : slotRanges) {
        if (range.startsWith("[")) {
          continue; // a slot on the move
        }
        var bounds = range.split("-");
        var from = Integer.parseInt(bounds[0]);
        var to = Integer.parseInt(bounds[bounds.length - 1]);
        if (slot >= from && slot <= to) {
          return true;
        }
      }
      return false;
    }
  }

  /** A free port whose cluster bus port (port + 10000) is free too. */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      var port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (free(port) && free(port + 10_000)) {
        return port;
      }
    }
    throw new IOException("no free pair of ports for a Redis node");
  }

  private static boolean free(int port) {
    try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String run(List<String> command) {
    try {
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
