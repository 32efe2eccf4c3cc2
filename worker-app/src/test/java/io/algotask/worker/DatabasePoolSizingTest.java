package io.algotask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class DatabasePoolSizingTest {

  private static int sizedPool(MockEnvironment environment) {
    var pool = new HikariDataSource(); // never started: no connection is opened
    pool.setMaximumPoolSize(10);
    new DatabasePoolSizing(environment).postProcessAfterInitialization(pool, "dataSource");
    return pool.getMaximumPoolSize();
  }

  @Test
  void thePoolFollowsTheWorkersLocalActivityConcurrency() {
    assertThat(sizedPool(new MockEnvironment())).as("Temporal's default of 200").isEqualTo(50);
    assertThat(
            sizedPool(
                new MockEnvironment().withProperty(DatabasePoolSizing.LOCAL_ACTIVITIES, "400")))
        .isEqualTo(100);
    assertThat(
            sizedPool(new MockEnvironment().withProperty(DatabasePoolSizing.LOCAL_ACTIVITIES, "8")))
        .as("never below Hikari's default")
        .isEqualTo(10);
  }

  @Test
  void aPoolSizeSetOutrightWins() {
    assertThat(
            sizedPool(
                new MockEnvironment()
                    .withProperty(DatabasePoolSizing.POOL_SIZE, "10")
                    .withProperty(DatabasePoolSizing.LOCAL_ACTIVITIES, "400")))
        .isEqualTo(10);
  }
}
