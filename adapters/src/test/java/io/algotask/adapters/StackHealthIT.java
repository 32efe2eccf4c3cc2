package io.algotask.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest
class StackHealthIT {
  @Autowired Map<String, HealthIndicator> indicators;

  @Test
  void eachStackServiceHasItsOwnHealthIndicatorAndIsUp() {
    for (var name : new String[] {"temporal", "postgres", "redis", "kafka", "s3"}) {
      var indicator = indicators.get(name + "HealthIndicator");
      assertThat(indicator).as("health indicator for %s", name).isNotNull();
      var health = indicator.health(true);
      assertThat(health.getStatus().getCode()).as("%s: %s", name, health).isEqualTo("UP");
    }
  }

  @Test
  void postgresReportsTheMigratedSchemaVersion() {
    var health = indicators.get("postgresHealthIndicator").health(true);
    assertThat(health.getDetails()).containsEntry("pendingMigrations", 0);
    assertThat(health.getDetails().get("schemaVersion")).isNotEqualTo("none");
  }
}
