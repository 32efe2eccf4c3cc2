package io.algotask.api.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.algotask.adapters.kafka.TopicProperties;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class IntakeConfigurationTest {

  private static TopicProperties topics(Integer replicationFactor, Integer minInsyncReplicas) {
    return new TopicProperties(
        "requests",
        "results",
        "dlq",
        ".+",
        6,
        Duration.ofSeconds(6),
        Duration.ofMinutes(5),
        Duration.ofSeconds(5),
        replicationFactor,
        minInsyncReplicas);
  }

  private static Map<String, NewTopic> built(TopicProperties topics) {
    var byName = new java.util.HashMap<String, NewTopic>();
    for (var topic : IntakeConfiguration.contractTopics(topics)) {
      byName.put(topic.name(), topic);
    }
    return byName;
  }

  @Test
  void unsetReplicationLeavesBothToTheBrokersDefaults() {
    var built = built(topics(null, null));

    assertThat(built).containsOnlyKeys("requests", "results", "dlq");
    for (var topic : built.values()) {
      assertThat(topic.replicationFactor()).isEqualTo((short) -1); // the broker's default
      assertThat(topic.replicasAssignments()).isNull();
      assertThat(Optional.ofNullable(topic.configs()).orElse(Map.of()))
          .doesNotContainKey("min.insync.replicas");
    }
    assertThat(built.get("requests").numPartitions()).isEqualTo(6);
    assertThat(built.get("results").numPartitions()).isEqualTo(6);
    assertThat(built.get("dlq").numPartitions()).isEqualTo(1);
  }

  @Test
  void everyTopicGetsTheConfiguredReplicationAndMinInsyncReplicas() {
    var built = built(topics(3, 2));

    for (var topic : built.values()) {
      assertThat(topic.replicationFactor()).isEqualTo((short) 3);
      assertThat(topic.configs()).containsEntry("min.insync.replicas", "2");
    }
    assertThat(built.get("dlq").numPartitions()).isEqualTo(1);
  }

  @Test
  void moreInsyncReplicasThanReplicasIsRefusedNamingBothSettings() {
    assertThatThrownBy(() -> topics(2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("algotask.topics.min-insync-replicas")
        .hasMessageContaining("algotask.topics.replication-factor");
  }
}
