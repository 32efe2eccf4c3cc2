package io.algotask.adapters.records;

import static org.assertj.core.api.Assertions.assertThat;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

@SpringBootTest
class SchemaIT {
  @Autowired Flyway flyway;
  @Autowired JdbcTemplate jdbc;

  @Test
  void flywayMigratedTheTaskTables() {
    assertThat(flyway.info().pending()).isEmpty();
    assertThat(flyway.info().current()).isNotNull();

    var tables =
        jdbc.queryForList(
            "select table_name from information_schema.tables where table_schema = 'public'",
            String.class);
    assertThat(tables).contains("task", "task_execution", "flyway_schema_history");
  }
}
