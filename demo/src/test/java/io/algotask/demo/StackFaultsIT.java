package io.algotask.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.demo.process.JavaProcess;
import io.algotask.sample.SampleAlgorithmServer;
import io.algotask.sample.SampleAlgorithmSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults of the processes around the tasks, over the real local stack: api-app killed with SIGKILL,
 * and the Temporal dev server, the Kafka broker and PostgreSQL each restarted, while tasks hold and
 * wait for slots and more tasks arrive. The algorithms are adaptive, and two tenants share each by
 * weight. Each fault asserts that every task ends with exactly one result, SUCCEEDED, and that the
 * algorithm never saw more attempts running than its limit. At the end, the apps' logs must hold no
 * callback token, presigned URL or configured secret. Figures go to target/stack-faults-report.md.
 *
 * <p>The faults the slots themselves face (a worker killed, Redis flushed, a workflow terminated)
 * are in {@link SlotResilienceIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackFaultsIT {
  private static final String RUN = "faults-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String REQUESTS = TestApps.requestsTopic(RUN);
  private static final String RESULTS = TestApps.resultsTopic(RUN);

  /** Tasks submitted before the fault, and while it lasts. */
  private static final int BEFORE = 16;

  private static final int DURING = 6;
  private static final int LIMIT = 2;

  private static SampleAlgorithmServer sample;
  private static JavaProcess worker;
  private static JavaProcess api;
  private static FaultDrill drill;

  @BeforeAll
  static void startEverything() throws Exception {
    sample =
        SampleAlgorithmServer.start(
            SampleAlgorithmSettings.forTests().toBuilder().latencyMs(200, 400).seed(11L).build());
    var apiPort = JavaProcess.freePort();
    var common = TestApps.runArguments(RUN, apiPort);
    // this run's own slot keys, so that this run's worker holds the reconciler lease
    common.add("--algotask.slots.key-prefix=algotask:slots:" + RUN + ":");
    for (var fault : List.of("api", "temporal", "kafka", "postgres")) {
      var prefix = "--algotask.algorithms." + algorithm(fault) + ".";
      common.add(prefix + "endpoint=" + sample.invocationUrl(algorithm(fault)));
      common.add(prefix + "max-concurrency=" + LIMIT);
      // A callback lost in the fault costs its attempt: the next one runs after the timeout. While
      // api-app is down every callback is lost, so its attempts must outlast its start-up.
      common.add(prefix + "execution-timeout=" + (fault.equals("api") ? "20s" : "6s"));
      common.add(prefix + "max-attempts=10");
      // the limit in force moves (timeouts cut it) and two tenants share it by weight: the faults
      // must leave those guarantees whole too
      common.add(prefix + "adaptive=true");
      common.add(prefix + "adaptive-window=2s");
      common.add(prefix + "tenant-weights." + FaultDrill.HEAVY_TENANT + "=3");
    }
    var apps =
        TestApps.startBoth("faults", RUN, apiPort, JavaProcess.freePort(), common, List.of());
    worker = apps.worker();
    api = apps.api();
    drill =
        new FaultDrill(
            RUN,
            sample,
            new TaskTraffic("127.0.0.1:9092", REQUESTS, RESULTS),
            LIMIT,
            BEFORE,
            DURING,
            "Stack faults",
            "Adaptive limit 1 to "
                + LIMIT
                + " (window 2 s), two tenants weighted 3:1, latency 200-400 ms, attempts of 6 s"
                + " (20 s for the api-app fault), at most 10.");
  }

  private static String algorithm(String fault) {
    return RUN + "-" + fault;
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (drill != null) {
        drill.writeReport("stack-faults-report.md");
        drill.close();
      }
    } finally {
      for (var app : new JavaProcess[] {api, worker}) {
        if (app != null) {
          app.close();
        }
      }
      if (sample != null) {
        sample.close();
      }
    }
  }

  @Test
  @Order(1)
  void apiAppKilledAndRestarted() throws Exception {
    drill.runThrough(
        algorithm("api"),
        "api-app killed (SIGKILL)",
        algorithm -> {
          api.kill();
          var killed = Instant.now();
          // requests wait in Kafka, callbacks find nobody: their attempts time out and are resent
          drill.submitDuring(algorithm);
          Thread.sleep(3_000);
          api.restart();
          api.awaitReady(Duration.ofMinutes(2));
          return String.format(
              "down %.1f s; requests waited in Kafka, callbacks sent meanwhile were lost and their"
                  + " attempts timed out and ran again",
              FaultDrill.seconds(killed, Instant.now()));
        });
  }

  @Test
  @Order(2)
  void temporalRestarted() throws Exception {
    drill.runThrough(
        algorithm("temporal"), "Temporal dev server restarted", restartDuring("temporal"));
  }

  @Test
  @Order(3)
  void kafkaRestarted() throws Exception {
    drill.runThrough(algorithm("kafka"), "Kafka broker restarted", restartDuring("kafka"));
  }

  @Test
  @Order(4)
  void postgresRestarted() throws Exception {
    drill.runThrough(algorithm("postgres"), "PostgreSQL restarted", restartDuring("postgres"));
  }

  @Test
  @Order(5)
  void noTokenPresignedUrlOrSecretReachesTheLogs() throws IOException {
    var secrets =
        List.of(
            Pattern.compile("v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}"),
            Pattern.compile("X-Amz-(Signature|Credential)", Pattern.CASE_INSENSITIVE),
            Pattern.compile(Pattern.quote("algotask-development-signing-key-not-a-secret")),
            Pattern.compile(Pattern.quote("algotask-secret")),
            Pattern.compile(Pattern.quote("algotask-dev-client-key")),
            Pattern.compile(Pattern.quote("algotask-dev-operator-token")));
    var found = new LinkedHashMap<String, String>();
    long lines = 0;
    for (var app : List.of(api, worker)) {
      for (var line : Files.readAllLines(app.log(), StandardCharsets.UTF_8)) {
        lines++;
        for (var secret : secrets) {
          if (secret.matcher(line).find()) {
            found.putIfAbsent(secret.pattern(), app.log().getFileName() + ": " + line);
          }
        }
      }
    }
    drill.addLine("");
    drill.addLine(
        String.format(
            "Logs of both apps after the faults: %d lines, %s",
            lines, found.isEmpty() ? "no token, presigned URL or secret" : "leaks: " + found));
    assertThat(found).as("secrets in the apps' logs").isEmpty();
  }

  /** Restarts the service while the second batch is being submitted. */
  private static FaultDrill.Fault restartDuring(String service) {
    return algorithm -> {
      var started = Instant.now();
      var restart =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return StackCommands.restart(service);
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              });
      drill.submitDuring(algorithm);
      restart.get(3, TimeUnit.MINUTES);
      return String.format(
          "restarted, healthy again %.1f s after the stop began",
          FaultDrill.seconds(started, Instant.now()));
    };
  }
}
