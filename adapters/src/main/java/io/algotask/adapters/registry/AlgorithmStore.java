package io.algotask.adapters.registry;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The registry's table. A trigger announces every change on the channel algotask_algorithms. */
@Component
class AlgorithmStore {
  static final String CHANGES = "algotask_algorithms";

  private static final String INSERT =
      """
      insert into algorithm (name, endpoint, cancel_endpoint, max_concurrency,
                             queue_timeout_seconds, execution_timeout_seconds, max_attempts,
                             adaptive, min_concurrency, adaptive_window_seconds, tenant_weights)
      values (:name, :endpoint, :cancelEndpoint, :maxConcurrency, :queueTimeout,
              :executionTimeout, :maxAttempts, :adaptive, :minConcurrency, :adaptiveWindow,
              cast(:tenantWeights as jsonb))
      """;

  private static final TypeReference<Map<String, Integer>> WEIGHTS = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  AlgorithmStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  @Transactional(readOnly = true)
  List<AlgorithmSettings> all() {
    return jdbc.sql("select * from algorithm order by name").query(this::settings).list();
  }

  @Transactional(readOnly = true)
  Optional<AlgorithmSettings> find(String name) {
    return jdbc.sql("select * from algorithm where name = :name")
        .param("name", name)
        .query(this::settings)
        .optional();
  }

  /**
   * Changes the algorithm with its row locked, so that concurrent changes of one algorithm apply
   * one after the other and none undoes another's fields.
   *
   * @param change makes the new settings from the stored ones (null when the name is new)
   */
  @Transactional
  AlgorithmSettings change(String name, UnaryOperator<AlgorithmSettings> change) {
    var current =
        jdbc.sql("select * from algorithm where name = :name for update")
            .param("name", name)
            .query(this::settings)
            .optional();
    var settings = change.apply(current.orElse(null));
    upsert(settings);
    return settings;
  }

  /** Registers the algorithm unless its name is taken: configuration only seeds the registry. */
  @Transactional
  void insertIfAbsent(AlgorithmSettings settings) {
    jdbc.sql(INSERT + " on conflict (name) do nothing").params(parameters(settings)).update();
  }

  /** Registers or replaces the algorithm's settings, in one statement. */
  @Transactional
  void upsert(AlgorithmSettings settings) {
    jdbc.sql(
            INSERT
                + """
            on conflict (name) do update set
                endpoint = excluded.endpoint, cancel_endpoint = excluded.cancel_endpoint,
                max_concurrency = excluded.max_concurrency,
                queue_timeout_seconds = excluded.queue_timeout_seconds,
                execution_timeout_seconds = excluded.execution_timeout_seconds,
                max_attempts = excluded.max_attempts, adaptive = excluded.adaptive,
                min_concurrency = excluded.min_concurrency,
                adaptive_window_seconds = excluded.adaptive_window_seconds,
                tenant_weights = excluded.tenant_weights, updated_at = now()
            """)
        .params(parameters(settings))
        .update();
  }

  private Map<String, Object> parameters(AlgorithmSettings settings) {
    var parameters = new HashMap<String, Object>();
    parameters.put("name", settings.name());
    parameters.put("endpoint", settings.endpoint().toString());
    parameters.put(
        "cancelEndpoint",
        settings.cancelEndpoint() == null ? null : settings.cancelEndpoint().toString());
    parameters.put("maxConcurrency", settings.maxConcurrency());
    parameters.put("queueTimeout", settings.queueTimeout().toSeconds());
    parameters.put("executionTimeout", settings.executionTimeout().toSeconds());
    parameters.put("maxAttempts", settings.maxAttempts());
    parameters.put("adaptive", settings.adaptive());
    parameters.put("minConcurrency", settings.minConcurrency());
    parameters.put("adaptiveWindow", settings.adaptiveWindow().toSeconds());
    parameters.put("tenantWeights", json.writeValueAsString(settings.tenantWeights()));
    return parameters;
  }

  private AlgorithmSettings settings(ResultSet row, int i) throws SQLException {
    var cancelEndpoint = row.getString("cancel_endpoint");
    return new AlgorithmSettings(
        row.getString("name"),
        URI.create(row.getString("endpoint")),
        cancelEndpoint == null ? null : URI.create(cancelEndpoint),
        row.getInt("max_concurrency"),
        Duration.ofSeconds(row.getInt("queue_timeout_seconds")),
        Duration.ofSeconds(row.getInt("execution_timeout_seconds")),
        row.getInt("max_attempts"),
        row.getBoolean("adaptive"),
        row.getInt("min_concurrency"),
        Duration.ofSeconds(row.getInt("adaptive_window_seconds")),
        json.readValue(row.getString("tenant_weights"), WEIGHTS));
  }
}
