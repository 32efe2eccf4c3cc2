package io.algotask.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;

/**
 * An adaptive limit finding an algorithm's hidden capacity: the sample service answers 429 beyond 8
 * attempts in flight, then beyond 4, then beyond 12, a phase each; the algorithm's limit adapts
 * between 1 and 64 while a steady backlog waits. The limit in force and the slots in use are read
 * from the registry every 250 ms: how soon the limit settles within 10 % of each capacity, the 429s
 * it took, and the tasks per second against what the capacity allows.
 */
final class AdaptiveScenario {
  static final String KEY = "adaptive";

  static final int MIN_CONCURRENCY = 1;
  static final int MAX_CONCURRENCY = 64;

  /** One decrease episode per window: the registry's default, stated so the run says what ran. */
  static final Duration WINDOW = Duration.ofSeconds(10);

  /** The hidden capacity of each phase, in turn. */
  static final List<Integer> CAPACITIES = List.of(8, 4, 12);

  /**
   * A second per task: the capacity, not the machine, bounds the tasks per second (12 per second at
   * most, well within two cores).
   */
  static final long LATENCY_MS = 1_000;

  /**
   * Tasks in flight throughout: three times the largest capacity, so that a backlog always waits.
   */
  static final int IN_FLIGHT = 3 * 12;

  /** Within this share of the capacity, the limit counts as found. */
  static final double TOLERANCE = 0.10;

  static final Duration SAMPLE_EVERY = Duration.ofMillis(250);

  /** One reading: seconds since the first submit, the capacity then, and the registry's slots. */
  record Sample(double seconds, int capacity, int limit, long inUse, long waiting) {}

  /**
   * One capacity's phase, from its change to the next.
   *
   * @param firstWithin seconds from the phase's start to the first reading within the tolerance;
   *     null when none was
   * @param settled seconds from the phase's start until the limit stays within it to the phase's
   *     end; null when it never does
   * @param results results seen in the phase
   * @param overCapacity invocations the service answered 429 in the phase (capacity reached)
   * @param invocations invocations the service received in the phase
   */
  record Phase(
      String label,
      int capacity,
      double from,
      double to,
      Double firstWithin,
      Double settled,
      Integer lateLimitLow,
      Integer lateLimitHigh,
      double meanInUse,
      long results,
      long overCapacity,
      long invocations) {

    double seconds() {
      return to - from;
    }

    double tasksPerSecond() {
      return seconds() > 0 ? results / seconds() : 0;
    }

    /** What the capacity allows: every slot of it busy all the time. */
    double capacityPerSecond() {
      return capacity * 1000.0 / LATENCY_MS;
    }

    double overCapacityPerSecond() {
      return seconds() > 0 ? overCapacity / seconds() : 0;
    }
  }

  private AdaptiveScenario() {}

  static ScenarioReport run(BenchRun bench) throws Exception {
    var phaseLength = bench.settings.adaptivePhase();
    return bench.measure(
        KEY,
        LATENCY_MS,
        SlotFeatures.sampleCapacityArguments(CAPACITIES.get(0)),
        window -> {
          var algorithm = bench.algorithm(KEY);
          var samples = Collections.synchronizedList(new ArrayList<Sample>());
          var capacityNow = new java.util.concurrent.atomic.AtomicInteger(CAPACITIES.get(0));
          var t0 = System.nanoTime();
          var wallStart = System.currentTimeMillis();
          var sampler = Executors.newSingleThreadScheduledExecutor();
          var complained = new AtomicBoolean();
          sampler.scheduleAtFixedRate(
              () -> {
                try {
                  var slots = bench.slots(KEY);
                  if (slots != null) {
                    samples.add(
                        new Sample(
                            (System.nanoTime() - t0) / 1e9,
                            capacityNow.get(),
                            slots.limit(),
                            slots.inUse(),
                            slots.waiting()));
                  }
                } catch (Exception e) {
                  if (complained.compareAndSet(false, true)) {
                    BenchRun.log("adaptive: reading the registry: " + e);
                  }
                }
              },
              0,
              SAMPLE_EVERY.toMillis(),
              TimeUnit.MILLISECONDS);

          var inFlight = new Semaphore(IN_FLIGHT);
          var prefix = bench.run + "-" + KEY + "-";
          bench.load.onFirstResult(
              id -> {
                if (id.startsWith(prefix)) {
                  inFlight.release();
                }
              });
          var ids = Collections.synchronizedList(new ArrayList<String>());
          var stats = new ArrayList<JsonNode>();
          int n = 0;
          try {
            for (int phase = 0; phase < CAPACITIES.size(); phase++) {
              if (phase > 0) {
                capacityNow.set(CAPACITIES.get(phase));
                SlotFeatures.setCapacity(bench.samplePort, CAPACITIES.get(phase));
                BenchRun.log("adaptive: hidden capacity now " + CAPACITIES.get(phase));
              }
              stats.add(bench.sampleStats(KEY));
              var phaseEnd = t0 + phaseLength.multipliedBy(phase + 1).toNanos();
              while (System.nanoTime() < phaseEnd) {
                if (inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                  var id = bench.taskId(KEY, n++);
                  ids.add(id);
                  bench.load.submit(id, algorithm);
                }
              }
            }
            stats.add(bench.sampleStats(KEY));
          } finally {
            // the reading under way finishes: an interrupted one would only be logged as failed
            sampler.shutdown();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
            bench.load.onFirstResult(id -> {});
          }
          bench.load.awaitAll(ids, Duration.ofMinutes(3));

          var phases = new ArrayList<Phase>();
          var seconds = phaseLength.toMillis() / 1000.0;
          var readings = List.copyOf(samples);
          for (int p = 0; p < CAPACITIES.size(); p++) {
            var from = p * seconds;
            var to = from + seconds;
            var results =
                ids.stream()
                    .map(bench.load::result)
                    .filter(r -> r != null)
                    .mapToDouble(r -> (r.at().toEpochMilli() - wallStart) / 1000.0)
                    .filter(at -> at >= from && at < to)
                    .count();
            phases.add(
                phase(
                    LABELS.get(p),
                    CAPACITIES.get(p),
                    from,
                    to,
                    readings,
                    results,
                    counted(stats, p, SlotFeatures::overCapacity),
                    counted(stats, p, s -> s.path("received").asLong(0))));
          }
          var chart = "adaptive-limit.png";
          Charts.lines(
              bench.reportDir.resolve(chart),
              "Adaptive limit: hidden capacity 8, then 4, then 12",
              "seconds since the first submit",
              "slots",
              series(readings, seconds));
          var tasks = bench.records.tasksOf(algorithm);
          var body = new StringBuilder(describe(phaseLength));
          body.append(table(phases)).append("\n");
          body.append(
              LatencyReport.outcome(
                  tasks, ids.size(), bench.load.resultsAmong(ids), bench.load.repeatsAmong(ids)));
          body.append("\n")
              .append(Markdown.image("the limit in force, slots in use and capacity", chart));
          return new ScenarioReport(
              KEY,
              "Adaptive limit: finding the algorithm's capacity",
              body.toString(),
              figures(phases),
              bench.load.resultsAmong(ids),
              null);
        });
  }

  static final List<String> LABELS =
      List.of("capacity 8 from the start", "capacity down to 4", "capacity up to 12");

  /** A counter's growth over phase p, from the service's counters read at each phase's start. */
  private static long counted(List<JsonNode> stats, int p, Function<JsonNode, Long> counter) {
    return counter.apply(stats.get(p + 1)) - counter.apply(stats.get(p));
  }

  /** A phase's figures from the readings taken in it. */
  static Phase phase(
      String label,
      int capacity,
      double from,
      double to,
      List<Sample> samples,
      long results,
      long overCapacity,
      long invocations) {
    var in = within(samples, from, to);
    var secondHalf = within(samples, (from + to) / 2, to);
    var low = secondHalf.stream().mapToInt(Sample::limit).min();
    var high = secondHalf.stream().mapToInt(Sample::limit).max();
    return new Phase(
        label,
        capacity,
        from,
        to,
        firstWithin(samples, from, to, capacity),
        settled(samples, from, to, capacity),
        low.isPresent() ? low.getAsInt() : null,
        high.isPresent() ? high.getAsInt() : null,
        in.stream().mapToLong(Sample::inUse).average().orElse(0),
        results,
        overCapacity,
        invocations);
  }

  private static List<Sample> within(List<Sample> samples, double from, double to) {
    return samples.stream().filter(s -> s.seconds() >= from && s.seconds() < to).toList();
  }

  /** Whether the limit is within the tolerance of the capacity. */
  static boolean near(int limit, int capacity) {
    return Math.abs(limit - capacity) <= TOLERANCE * capacity + 1e-9;
  }

  /** Seconds from {@code from} to the first reading in [from, to) near the capacity; or null. */
  static Double firstWithin(List<Sample> samples, double from, double to, int capacity) {
    return within(samples, from, to).stream()
        .filter(s -> near(s.limit(), capacity))
        .map(s -> s.seconds() - from)
        .findFirst()
        .orElse(null);
  }

  /**
   * Seconds from {@code from} to the reading from which every reading in [from, to) is near the
   * capacity: the settling time within the tolerance band; null when the last reading is not.
   */
  static Double settled(List<Sample> samples, double from, double to, int capacity) {
    Double since = null;
    for (var sample : within(samples, from, to)) {
      if (!near(sample.limit(), capacity)) {
        since = null;
      } else if (since == null) {
        since = sample.seconds() - from;
      }
    }
    return since;
  }

  /** The plot's lines: the limit in force, the slots in use, and the capacity as a step line. */
  static LinkedHashMap<String, List<double[]>> series(List<Sample> samples, double phaseSeconds) {
    var lines = new LinkedHashMap<String, List<double[]>>();
    lines.put("limit in force", samples.stream().map(s -> xy(s.seconds(), s.limit())).toList());
    lines.put("slots in use", samples.stream().map(s -> xy(s.seconds(), s.inUse())).toList());
    var steps = new ArrayList<double[]>();
    IntStream.range(0, CAPACITIES.size())
        .forEach(
            p -> {
              steps.add(xy(p * phaseSeconds, CAPACITIES.get(p)));
              steps.add(xy((p + 1) * phaseSeconds, CAPACITIES.get(p)));
            });
    lines.put("hidden capacity", steps);
    return lines;
  }

  private static double[] xy(double x, double y) {
    return new double[] {x, y};
  }

  private static String describe(Duration phase) {
    return String.format(
        "An adaptive algorithm (limit %d to %d, a window of %d s) on the sample"
            + " service, %d ms per task, whose hidden capacity answers 429 beyond %s attempts in"
            + " flight, %d s each; %d tasks in flight throughout (a new one submitted as each"
            + " result is seen), so that a backlog always waits. The limit in force and the slots"
            + " in use are read from the registry (`GET /v1/algorithms`) every %d ms. \"Settled\""
            + " is the time from the phase's start until the limit stays within %.0f %% of the"
            + " capacity to the phase's end; tasks per second are the results seen in the phase"
            + " against the capacity's (every slot of it busy all the time).%n%n",
        MIN_CONCURRENCY,
        MAX_CONCURRENCY,
        WINDOW.toSeconds(),
        LATENCY_MS,
        String.join(", then ", CAPACITIES.stream().map(String::valueOf).toList()),
        phase.toSeconds(),
        IN_FLIGHT,
        SAMPLE_EVERY.toMillis(),
        TOLERANCE * 100);
  }

  /** The phases side by side. */
  static String table(List<Phase> phases) {
    var rows = new ArrayList<List<String>>();
    rows.add(Markdown.row("hidden capacity", phases, p -> Integer.toString(p.capacity())));
    rows.add(Markdown.row("first within 10 %, s", phases, p -> seconds(p.firstWithin())));
    rows.add(Markdown.row("settled within 10 %, s", phases, p -> seconds(p.settled())));
    rows.add(
        Markdown.row(
            "limit in force over the phase's second half",
            phases,
            p ->
                p.lateLimitLow() == null
                    ? "-"
                    : p.lateLimitLow().equals(p.lateLimitHigh())
                        ? Integer.toString(p.lateLimitLow())
                        : p.lateLimitLow() + "-" + p.lateLimitHigh()));
    rows.add(Markdown.row("slots in use, mean", phases, p -> Markdown.num(p.meanInUse(), 1)));
    rows.add(
        Markdown.row(
            "tasks per second (the capacity's)",
            phases,
            p ->
                Markdown.num(p.tasksPerSecond(), 1)
                    + " ("
                    + Markdown.num(p.capacityPerSecond(), 0)
                    + ")"));
    rows.add(
        Markdown.row(
            "429s for the capacity (per second; of the invocations)",
            phases,
            p ->
                p.overCapacity()
                    + " ("
                    + Markdown.num(p.overCapacityPerSecond(), 2)
                    + "/s; "
                    + (p.invocations() == 0
                        ? "-"
                        : Markdown.num(p.overCapacity() * 100.0 / p.invocations(), 1) + " %")
                    + ")"));
    return Markdown.table(Markdown.row("figure", phases, Phase::label), rows);
  }

  private static String seconds(Double value) {
    return value == null ? "never" : Markdown.num(value, 1);
  }

  /** The summary's lines: each phase's settling time against its target, 429s, throughput. */
  static List<Figure> figures(List<Phase> phases) {
    var figures = new ArrayList<Figure>();
    for (var phase : phases) {
      var name = phase.label() + ": ";
      var settledName = name + "limit settled within 10 % of it";
      figures.add(
          phase.settled() == null
              ? Figure.text(
                  KEY, settledName, "never", Targets.ADAPTIVE_SETTLE_SECONDS.text(), false)
              : Figure.against(
                  KEY,
                  settledName,
                  phase.settled(),
                  Figure.SECONDS,
                  Targets.ADAPTIVE_SETTLE_SECONDS));
      figures.add(
          Figure.of(
              KEY, name + "limit first within 10 % of it", phase.firstWithin(), Figure.SECONDS));
      figures.add(
          Figure.of(
              KEY,
              name + "tasks per second over the capacity's",
              phase.capacityPerSecond() > 0
                  ? phase.tasksPerSecond() / phase.capacityPerSecond()
                  : null,
              Figure.OF_THE_CAPACITY));
      figures.add(
          Figure.of(
              KEY,
              name + "429s for the capacity",
              phase.overCapacityPerSecond(),
              Figure.PER_SECOND_429));
    }
    return figures;
  }
}
