package io.algotask.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeapSamplerTest {
  @Test
  void theHeapIsEveryHeapPoolSummedAndNothingElse() {
    var page =
        """
        # HELP jvm_memory_used_bytes The amount of used memory
        # TYPE jvm_memory_used_bytes gauge
        jvm_memory_used_bytes{area="heap",id="Eden Space"} 1048576.0
        jvm_memory_used_bytes{area="heap",id="Survivor Space"} 0.0
        jvm_memory_used_bytes{area="heap",id="Tenured Gen"} 3145728.0
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.9E7
        jvm_memory_used_bytes_total{area="heap"} 5.0
        jvm_memory_committed_bytes{area="heap",id="Tenured Gen"} 7.0E8
        """;

    assertThat(HeapSampler.heapBytes(page)).isEqualTo(4 * 1024 * 1024.0);
    assertThatThrownBy(() -> HeapSampler.heapBytes("up 1\n"))
        .hasMessageContaining("no jvm_memory_used_bytes");
  }

  @Test
  void theGrowthIsTheLeastSquaresSlopePerThousandWaitingOfEachApp() {
    var samples =
        List.of(
            new HeapSampler.Sample(0, 0, Map.of("worker-app", 100.0, "api-app", 80.0)),
            new HeapSampler.Sample(5_000, 1_000, Map.of("worker-app", 103.0, "api-app", 80.0)),
            new HeapSampler.Sample(10_000, 2_000, Map.of("worker-app", 105.0, "api-app", 80.0)),
            // draining: after a collection the heap falls with the queue, and counts as much
            new HeapSampler.Sample(15_000, 500, Map.of("worker-app", 101.0, "api-app", 80.0)));

    var growth = HeapSampler.growthPerApp(samples);

    // x = 0, 1000, 2000, 500 (mean 875); y = 100, 103, 105, 101 (mean 102.25):
    // sxy = (-875)(-2.25) + 125(0.75) + 1125(2.75) + (-375)(-1.25) = 5625, sxx = 2187500
    assertThat(growth.get("worker-app")).isCloseTo(5625 / 2187500.0 * 1000, within(1e-9));
    assertThat(growth.get("api-app")).isZero();
  }

  @Test
  void aFullCollectionIsForcedInAnotherJvm() throws Exception {
    var java = ProcessHandle.current().info().command().orElse("java");
    var child =
        new ProcessBuilder(
                java,
                "-XX:+UseSerialGC",
                "-Xlog:gc:stdout",
                "-cp",
                System.getProperty("java.class.path"),
                Idle.class.getName())
            .redirectErrorStream(true)
            .start();
    try (var sampler = HeapSampler.start(List.of(), () -> 0, Duration.ofHours(1))) {
      var out = new BufferedReader(new InputStreamReader(child.getInputStream()));
      var line = "";
      while (line != null && !line.equals("ready")) { // after the GC log's first lines
        line = out.readLine();
      }
      assertThat(line).isEqualTo("ready");

      sampler.collect(child.pid());
      sampler.collect(child.pid()); // the second reuses the connection

      // the child logs each collection as it ends (and exits within two minutes in any case)
      while (line != null && !line.contains("Pause Full (System.gc())")) {
        line = out.readLine();
      }
      assertThat(line).as("a full collection in the child's GC log").isNotNull();
    } finally {
      child.destroyForcibly();
    }
  }

  /** A JVM that idles until it is stopped. */
  static final class Idle {
    public static void main(String[] args) throws Exception {
      System.out.println("ready");
      System.out.flush();
      Thread.sleep(120_000);
    }
  }
}
