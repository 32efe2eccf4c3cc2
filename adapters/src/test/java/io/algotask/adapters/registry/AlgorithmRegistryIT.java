package io.algotask.adapters.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import io.algotask.adapters.records.NotificationsForTests;
import io.algotask.adapters.records.PostgresNotifications;
import io.algotask.adapters.redis.RedisConnection;
import io.algotask.adapters.slots.SlotSemaphore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The registry in PostgreSQL: seeding, registrations and their rules, and changes reaching the copy
 * another process keeps. That process is played by a registry of its own on a listening connection
 * of its own, which catches up only once an hour: what it sees in time came through NOTIFY.
 */
@SpringBootTest
class AlgorithmRegistryIT {
  private static final Duration NOTICE_WITHIN = Duration.ofSeconds(3);
  private static final String RULE_OF_NEW = "a new algorithm needs endpoint and maxConcurrency";
  private static final String RULE_OF_URLS = ": must be an absolute http or https URL";

  /** This process's registry, as the apps use it. */
  @Autowired AlgorithmRegistry registry;

  @Autowired AlgorithmStore store;
  @Autowired DataSourceProperties database;
  @Autowired JdbcClient jdbc;
  @Autowired SlotSemaphore semaphore;
  @Autowired RedisConnection redis;

  private final List<String> names = new ArrayList<>();
  private final List<PostgresNotifications> listening = new ArrayList<>();

  @AfterEach
  void deleteTheTestsAlgorithms() {
    listening.forEach(PostgresNotifications::stop);
    for (var name : names) {
      jdbc.sql("delete from algorithm where name = :name").param("name", name).update();
      // this process's AlgorithmSlots applied each limit it saw, in Redis
      redis.sync().del(semaphore.keys(name).all());
    }
  }

  private String newName() {
    var name = "it-registry-" + UUID.randomUUID().toString().substring(0, 8);
    names.add(name);
    return name;
  }

  private static AlgorithmProperties seed(Map<String, AlgorithmProperties.Algorithm> algorithms) {
    return new AlgorithmProperties(algorithms);
  }

  private static AlgorithmProperties.Algorithm configured(String endpoint, int maxConcurrency) {
    return configured(endpoint, maxConcurrency, Map.of());
  }

  private static AlgorithmProperties.Algorithm configured(
      String endpoint, int maxConcurrency, Map<String, Integer> tenantWeights) {
    return new AlgorithmProperties.Algorithm(
        URI.create(endpoint),
        null,
        maxConcurrency,
        Duration.ofMinutes(30),
        Duration.ofMinutes(5),
        4,
        false,
        1,
        Duration.ofSeconds(10),
        tenantWeights);
  }

  private static AlgorithmChange change(String endpoint, Integer maxConcurrency) {
    return new AlgorithmChange(
        endpoint == null ? null : URI.create(endpoint), null, maxConcurrency, null, null, null);
  }

  private static AlgorithmChange maxAttempts(int maxAttempts) {
    return new AlgorithmChange(null, null, null, null, null, maxAttempts);
  }

  /** A registry that hears of no change: it reads the database only when it (re)loads itself. */
  private AlgorithmRegistry deafRegistry(AlgorithmProperties seed) {
    return deafRegistry(seed, Duration.ofSeconds(1));
  }

  private AlgorithmRegistry deafRegistry(AlgorithmProperties seed, Duration missRemembered) {
    var deaf =
        new AlgorithmRegistry(
            store,
            seed,
            NotificationsForTests.create(database, Duration.ofHours(1)),
            missRemembered);
    deaf.load();
    return deaf;
  }

  /** Another process's registry, listening on a connection of its own. */
  private AlgorithmRegistry remoteRegistry(BlockingQueue<AlgorithmSettings> changes) {
    var notifications = NotificationsForTests.create(database, Duration.ofHours(1));
    var remote = new AlgorithmRegistry(store, seed(Map.of()), notifications, Duration.ZERO);
    remote.load();
    remote.onChange(changes::add);
    BlockingQueue<String> probes = new LinkedBlockingQueue<>();
    notifications.listen(AlgorithmStore.CHANGES, probes::add, () -> {});
    listening.add(notifications);
    notifications.start();
    // the first round subscribes, then catches up once: after the second probe came back, only
    // NOTIFY (or an hour) brings this registry anything new
    awaitProbe(probes);
    awaitProbe(probes);
    return remote;
  }

  /** Sends a probe until it comes back through the listening connection. */
  private void awaitProbe(BlockingQueue<String> probes) {
    var probe = "probe-" + UUID.randomUUID();
    await("the remote registry listening")
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              jdbc.sql("select pg_notify(:channel, :probe)")
                  .param("channel", AlgorithmStore.CHANGES)
                  .param("probe", probe)
                  .query()
                  .listOfRows();
              String payload;
              while ((payload = probes.poll(100, TimeUnit.MILLISECONDS)) != null) {
                if (payload.equals(probe)) {
                  return true;
                }
              }
              return false;
            });
  }

  /** Waits for the value to pass the check, as another process notices a change; returns it. */
  private static <T> T noticed(Supplier<T> value, Predicate<T> check, String what) {
    return await(what)
        .atMost(NOTICE_WITHIN)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .until(value::get, check);
  }

  /** The next change announced of the algorithm, skipping those of other algorithms. */
  private static AlgorithmSettings nextChangeOf(
      String name, BlockingQueue<AlgorithmSettings> changes) {
    var next = new AtomicReference<AlgorithmSettings>();
    await("a change of " + name + " announced")
        .atMost(NOTICE_WITHIN)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              AlgorithmSettings change;
              while ((change = changes.poll()) != null) {
                if (change.name().equals(name)) {
                  next.set(change);
                  return true;
                }
              }
              return false;
            });
    return next.get();
  }

  @Test
  void constructingARegistryReadsAndWritesNothingUntilItLoads() {
    var name = newName();
    var unloaded =
        new AlgorithmRegistry(
            store,
            seed(Map.of(name, configured("http://127.0.0.1:9/seeded", 2))),
            NotificationsForTests.create(database, Duration.ofHours(1)),
            Duration.ofSeconds(1));

    assertThat(store.find(name)).as("nothing seeded before the start-up hook").isEmpty();
    assertThat(unloaded.all()).isEmpty();

    unloaded.load();

    assertThat(store.find(name)).isPresent();
    assertThat(unloaded.all()).extracting(AlgorithmSettings::name).contains(name);
  }

  @Test
  void configurationSeedsOnlyNamesThatAreAbsent() {
    var name = newName();
    var other = newName();

    var first = deafRegistry(seed(Map.of(name, configured("http://127.0.0.1:9/first", 2))));

    var seeded =
        new AlgorithmSettings(
            name,
            URI.create("http://127.0.0.1:9/first"),
            null,
            2,
            Duration.ofMinutes(30),
            Duration.ofMinutes(5),
            4);
    assertThat(store.find(name)).contains(seeded);
    assertThat(first.find(name)).contains(seeded);

    // another process starts with other settings for the same name: the registry keeps its own
    var second =
        deafRegistry(
            seed(
                Map.of(
                    name, configured("http://127.0.0.1:9/second", 7),
                    other, configured("http://127.0.0.1:9/other", 3))));

    assertThat(store.find(name)).contains(seeded);
    assertThat(second.find(name)).contains(seeded);
    assertThat(second.find(other).map(AlgorithmSettings::maxConcurrency)).contains(3);
    // the first registry hears of nothing, but finds the other on asking for it
    assertThat(first.require(other)).isEqualTo(second.find(other).orElseThrow());
    // nor does a registration of a known name by the operator get undone by a restart
    registry.register(name, change(null, 9));
    deafRegistry(seed(Map.of(name, configured("http://127.0.0.1:9/first", 2))));
    assertThat(store.find(name).map(AlgorithmSettings::maxConcurrency)).contains(9);
  }

  @Test
  void aNewAlgorithmNeedsAnEndpointAndALimitAndGetsDefaultsForTheRest() {
    var name = newName();

    for (var incomplete :
        List.of(
            change(null, 3),
            change("http://127.0.0.1:9/run", null),
            new AlgorithmChange(null, null, null, 60, 60, 2))) {
      var refused =
          catchThrowableOfType(
              InvalidAlgorithmException.class, () -> registry.register(name, incomplete));
      assertThat(refused).as("%s", incomplete).isNotNull();
      assertThat(refused.broken()).containsExactly(RULE_OF_NEW);
      assertThat(refused.getMessage()).contains("endpoint", "maxConcurrency");
    }
    assertThat(store.find(name)).isEmpty();
    assertThat(registry.find(name)).isEmpty();

    var registered = registry.register(name, change("http://127.0.0.1:9/run", 3));

    assertThat(registered)
        .isEqualTo(
            new AlgorithmSettings(
                name,
                URI.create("http://127.0.0.1:9/run"),
                null,
                3,
                Duration.ofHours(1),
                Duration.ofMinutes(10),
                3));
    assertThat(store.find(name)).contains(registered);
    assertThat(registry.find(name)).as("this process sees it at once").contains(registered);
    assertThat(registry.all()).contains(registered);
  }

  @Test
  void aPartialChangeReplacesTheFieldsGivenAndKeepsTheOthers() {
    var name = newName();
    var full =
        new AlgorithmChange(
            URI.create("https://ocr.example:8443/run"),
            URI.create("https://ocr.example:8443/cancel"),
            2,
            600,
            120,
            4);
    var registered = registry.register(name, full);

    var moreSlots = registry.register(name, change(null, 5));

    assertThat(moreSlots)
        .isEqualTo(
            new AlgorithmSettings(
                name,
                URI.create("https://ocr.example:8443/run"),
                URI.create("https://ocr.example:8443/cancel"),
                5,
                Duration.ofMinutes(10),
                Duration.ofMinutes(2),
                4));
    var moved = registry.register(name, change("http://127.0.0.1:9/moved", null));
    assertThat(moved.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9/moved"));
    assertThat(moved.cancelEndpoint()).isEqualTo(registered.cancelEndpoint());
    assertThat(moved.maxConcurrency()).isEqualTo(5);
    var fewerAttempts = registry.register(name, maxAttempts(1));
    assertThat(fewerAttempts.maxAttempts()).isEqualTo(1);
    assertThat(fewerAttempts.endpoint()).isEqualTo(moved.endpoint());
    assertThat(fewerAttempts.queueTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(fewerAttempts.executionTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(store.find(name)).contains(fewerAttempts);
    assertThat(registry.find(name)).contains(fewerAttempts);
  }

  @Test
  void invalidValuesAreRefusedWithTheRuleTheyBreak() {
    var name = newName();
    var registered = registry.register(name, change("http://127.0.0.1:9/run", 2));

    assertBroken(name, change(null, 0), "maxConcurrency: must be from 1 to 10000");
    assertBroken(name, change(null, 10_001), "maxConcurrency: must be from 1 to 10000");
    assertBroken(name, change("ftp://127.0.0.1/run", null), "endpoint" + RULE_OF_URLS);
    assertBroken(name, change("/relative/run", null), "endpoint" + RULE_OF_URLS);
    assertBroken(name, change("http:opaque", null), "endpoint" + RULE_OF_URLS);
    assertBroken(
        name,
        new AlgorithmChange(null, URI.create("mailto:ops@example.com"), null, null, null, null),
        "cancelEndpoint" + RULE_OF_URLS);
    assertBroken(name, maxAttempts(11), "maxAttempts: must be from 1 to 10");
    assertBroken(name, maxAttempts(0), "maxAttempts: must be from 1 to 10");
    assertBroken(
        name,
        new AlgorithmChange(null, null, null, 0, null, null),
        "queueTimeoutSeconds: must be from 1 to 604800");
    assertBroken(
        name,
        new AlgorithmChange(null, null, null, null, 86_401, null),
        "executionTimeoutSeconds: must be from 1 to 86400");
    var nameRule = "name: must match " + AlgorithmChange.NAME.pattern();
    for (var badName : List.of("has space", "-leading-dash", "", "x".repeat(65), "ünïcode")) {
      assertBroken(badName, change("http://127.0.0.1:9/run", 1), nameRule);
    }
    // every rule broken is named, not only the first
    var many =
        catchThrowableOfType(
            InvalidAlgorithmException.class,
            () ->
                registry.register(
                    name, new AlgorithmChange(URI.create("ftp://x/"), null, 0, null, null, 11)));
    assertThat(many.broken())
        .containsExactlyInAnyOrder(
            "endpoint" + RULE_OF_URLS,
            "maxConcurrency: must be from 1 to 10000",
            "maxAttempts: must be from 1 to 10");

    assertThat(store.find(name)).as("nothing refused was stored").contains(registered);
    assertThat(registry.find(name)).contains(registered);
  }

  @Test
  void anAdaptiveLimitIsRegisteredWithItsBoundsAndWindowAndSeededFromConfiguration() {
    var name = newName();
    var registered = registry.register(name, change("http://127.0.0.1:9/run", 32));
    assertThat(registered.adaptive()).as("a limit is fixed unless asked").isFalse();
    assertThat(registered.minConcurrency()).isEqualTo(1);
    assertThat(registered.adaptiveWindow()).isEqualTo(AlgorithmSettings.DEFAULT_ADAPTIVE_WINDOW);

    var adaptive =
        registry.register(
            name, new AlgorithmChange(null, null, null, null, null, null, true, 2, 5, null));

    assertThat(adaptive.adaptive()).isTrue();
    assertThat(adaptive.minConcurrency()).isEqualTo(2);
    assertThat(adaptive.maxConcurrency()).isEqualTo(32);
    assertThat(adaptive.adaptiveWindow()).isEqualTo(Duration.ofSeconds(5));
    assertThat(store.find(name)).contains(adaptive);
    assertThat(registry.register(name, change(null, 8)))
        .as("a partial change keeps the adaptive settings")
        .isEqualTo(
            new AlgorithmSettings(
                name,
                adaptive.endpoint(),
                null,
                8,
                adaptive.queueTimeout(),
                adaptive.executionTimeout(),
                adaptive.maxAttempts(),
                true,
                2,
                Duration.ofSeconds(5),
                Map.of()));
    assertBroken(
        name,
        new AlgorithmChange(null, null, null, null, null, null, null, 9, null, null),
        "minConcurrency: must be at most maxConcurrency (8)");
    assertBroken(
        name,
        new AlgorithmChange(null, null, 1, null, null, null, null, null, null, null),
        "minConcurrency: must be at most maxConcurrency (1)");
    assertBroken(
        name,
        new AlgorithmChange(null, null, null, null, null, null, null, 0, null, null),
        "minConcurrency: must be from 1 to 10000");
    assertBroken(
        name,
        new AlgorithmChange(null, null, null, null, null, null, null, null, 3601, null),
        "adaptiveWindowSeconds: must be from 1 to 3600");

    var seeded = newName();
    var configured =
        new AlgorithmProperties.Algorithm(
            URI.create("http://127.0.0.1:9/seeded"),
            null,
            16,
            Duration.ofMinutes(30),
            Duration.ofMinutes(5),
            3,
            true,
            4,
            Duration.ofMillis(2500),
            Map.of());
    deafRegistry(seed(Map.of(seeded, configured)));
    var fromConfiguration = store.find(seeded).orElseThrow();
    assertThat(fromConfiguration.adaptive()).isTrue();
    assertThat(fromConfiguration.minConcurrency()).isEqualTo(4);
    assertThat(fromConfiguration.adaptiveWindow())
        .as("in whole seconds")
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void tenantWeightsAreStoredKeptByOtherChangesAndReplacedWhole() {
    var name = newName();
    registry.register(name, change("http://127.0.0.1:9/run", 2));
    assertThat(registry.require(name).tenantWeights()).as("every tenant weighs 1").isEmpty();

    var weighed =
        registry.register(
            name, AlgorithmChange.ofTenantWeights(Map.of("acme", 3, "beta.eu", 1000)));

    assertThat(weighed.tenantWeights()).containsExactly(entry("acme", 3), entry("beta.eu", 1000));
    assertThat(store.find(name)).contains(weighed);
    assertThat(registry.find(name)).contains(weighed);
    assertThat(registry.register(name, maxAttempts(2)).tenantWeights())
        .as("kept by a change that leaves them out")
        .isEqualTo(weighed.tenantWeights());
    assertThat(
            registry
                .register(name, AlgorithmChange.ofTenantWeights(Map.of("beta.eu", 2)))
                .tenantWeights())
        .as("replaced whole")
        .containsExactly(entry("beta.eu", 2));
    assertThat(registry.register(name, AlgorithmChange.ofTenantWeights(Map.of())).tenantWeights())
        .as("cleared")
        .isEmpty();
    assertThat(store.find(name).orElseThrow().tenantWeights()).isEmpty();
  }

  @Test
  void tenantWeightsOutOfRangeOrOfAnInvalidTenantAreRefused() {
    var name = newName();
    var registered = registry.register(name, change("http://127.0.0.1:9/run", 2));
    assertBroken(
        name,
        AlgorithmChange.ofTenantWeights(Map.of("acme", 0)),
        "tenantWeights.acme: must be from 1 to 1000");
    assertBroken(
        name,
        AlgorithmChange.ofTenantWeights(Map.of("acme", 1001)),
        "tenantWeights.acme: must be from 1 to 1000");
    assertBroken(
        name,
        AlgorithmChange.ofTenantWeights(Map.of("has space", 2)),
        "tenantWeights: tenant has space must match " + AlgorithmChange.NAME.pattern());
    var noWeight = new java.util.HashMap<String, Integer>();
    noWeight.put("acme", null);
    assertBroken(
        name,
        AlgorithmChange.ofTenantWeights(noWeight),
        "tenantWeights.acme: must be a whole number");
    assertThat(store.find(name)).as("nothing refused was stored").contains(registered);
  }

  @Test
  void configurationSeedsTheTenantWeights() {
    var name = newName();
    var configured = configured("http://127.0.0.1:9/run", 2, Map.of("acme", 3));

    var seeded = deafRegistry(seed(Map.of(name, configured)));

    assertThat(seeded.require(name).tenantWeights()).containsExactly(entry("acme", 3));
    assertThat(store.find(name).orElseThrow().tenantWeights()).containsExactly(entry("acme", 3));
  }

  @Test
  void aConfiguredTenantOfAnInvalidNameStopsTheStartUp() {
    var name = newName();
    var configured = configured("http://127.0.0.1:9/run", 2, Map.of("no spaces", 3));

    assertThatThrownBy(() -> deafRegistry(seed(Map.of(name, configured))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("algotask.algorithms." + name)
        .hasMessageContaining("tenant no spaces must match");
    assertThat(store.find(name)).isEmpty();
  }

  private void assertBroken(String name, AlgorithmChange change, String rule) {
    assertThatThrownBy(() -> registry.register(name, change))
        .as("%s for %s", change, name)
        .isInstanceOfSatisfying(
            InvalidAlgorithmException.class, e -> assertThat(e.broken()).containsExactly(rule))
        .hasMessage(rule);
  }

  @Test
  void aChangeReachesAnotherProcessThroughNotifyAndItsListeners() throws Exception {
    var name = newName();
    BlockingQueue<AlgorithmSettings> changes = new LinkedBlockingQueue<>();
    var remote = remoteRegistry(changes);
    assertThat(remote.find(name)).isEmpty();

    var registered = registry.register(name, change("http://127.0.0.1:9/run", 2));

    assertThat(noticed(() -> remote.find(name), Optional::isPresent, "the registration"))
        .contains(registered);
    assertThat(nextChangeOf(name, changes)).isEqualTo(registered);

    var raised = registry.register(name, change(null, 6));

    assertThat(
            noticed(
                () -> remote.find(name),
                found -> found.map(s -> s.maxConcurrency() == 6).orElse(false),
                "the raised limit"))
        .contains(raised);
    assertThat(nextChangeOf(name, changes)).isEqualTo(raised);
    // the same settings again change nothing, and the listeners hear of nothing
    registry.register(name, change(null, 6));
    await("no change of " + name + " announced")
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(1))
        .until(() -> changes.stream().noneMatch(change -> change.name().equals(name)));

    jdbc.sql("delete from algorithm where name = :name").param("name", name).update();

    noticed(() -> remote.find(name), Optional::isEmpty, "the deletion");
  }

  @Test
  void findAndRequireFindAnAlgorithmRegisteredElsewhereMomentsAgo() {
    var name = newName();
    var other = newName();
    var deaf = deafRegistry(seed(Map.of()));
    List<AlgorithmSettings> changes = new ArrayList<>();
    deaf.onChange(changes::add);

    var registered = registry.register(name, change("http://127.0.0.1:9/run", 2));
    var registeredToo = registry.register(other, change("http://127.0.0.1:9/run", 3));

    assertThat(deaf.all()).as("its copy is behind").doesNotContain(registered, registeredToo);
    assertThat(deaf.find(name)).contains(registered);
    assertThat(deaf.require(other)).isEqualTo(registeredToo);
    assertThat(deaf.all()).contains(registered, registeredToo);
    assertThat(changes)
        .filteredOn(s -> s.name().equals(name) || s.name().equals(other))
        .containsExactlyInAnyOrder(registered, registeredToo);

    var unknown = "it-never-" + UUID.randomUUID();
    assertThatThrownBy(() -> deaf.require(unknown))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(unknown);
  }

  @Test
  void aNameFoundAbsentIsNotAskedForAgainForAWhile() {
    var name = newName();
    var deaf = deafRegistry(seed(Map.of()), Duration.ofHours(1));
    var quick = deafRegistry(seed(Map.of()), Duration.ZERO);
    assertThat(deaf.find(name)).isEmpty();
    assertThat(quick.find(name)).isEmpty();

    var registered = registry.register(name, change("http://127.0.0.1:9/run", 2));

    // only a miss remembered keeps the store from being asked: the registration stays unseen
    assertThat(deaf.find(name)).as("remembered as absent").isEmpty();
    assertThat(quick.find(name)).as("asked again").contains(registered);
    // a name no registration can have is not asked for: PostgreSQL would fail on U+0000
    assertThat(quick.find("no such\u0000name")).isEmpty();
  }

  @Test
  void concurrentPartialChangesOfOneAlgorithmAreBothKept() throws Exception {
    var name = newName();
    registry.register(name, change("http://127.0.0.1:9/run", 1));
    var pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        var limit = 2 + round;
        var attempts = 1 + round % 10;
        var start = new CyclicBarrier(2);
        Future<AlgorithmSettings> limitChange =
            pool.submit(
                () -> {
                  start.await(5, TimeUnit.SECONDS);
                  return registry.register(name, change(null, limit));
                });
        Future<AlgorithmSettings> attemptsChange =
            pool.submit(
                () -> {
                  start.await(5, TimeUnit.SECONDS);
                  return registry.register(name, maxAttempts(attempts));
                });
        limitChange.get(10, TimeUnit.SECONDS);
        attemptsChange.get(10, TimeUnit.SECONDS);

        var stored = store.find(name).orElseThrow();
        assertThat(stored.maxConcurrency())
            .as("round %d: the limit changed", round)
            .isEqualTo(limit);
        assertThat(stored.maxAttempts())
            .as("round %d: the attempts changed", round)
            .isEqualTo(attempts);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
