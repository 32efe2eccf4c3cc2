package io.algotask.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

@SpringBootTest
class KafkaRoundTripIT {
  @Autowired KafkaTemplate<Object, Object> kafka;
  @Autowired ConsumerFactory<Object, Object> consumers;
  @Autowired Admin admin;

  @Test
  void aRecordSentIsReadBackWithItsKey() throws Exception {
    var topic = "algotask.it." + UUID.randomUUID();
    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);

    kafka.send(topic, "doc-42", "{\"status\":\"SUCCEEDED\"}").get(10, TimeUnit.SECONDS);

    try (var consumer =
        consumers.createConsumer(
            "it-" + UUID.randomUUID(),
            null,
            null,
            propertiesOf(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
      consumer.subscribe(List.of(topic));
      var deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          assertThat(record.key()).isEqualTo("doc-42");
          assertThat(record.value()).isEqualTo("{\"status\":\"SUCCEEDED\"}");
          return;
        }
      }
    }
    throw new AssertionError("the record did not come back within 20 s");
  }

  private static java.util.Properties propertiesOf(String key, String value) {
    var properties = new java.util.Properties();
    properties.setProperty(key, value);
    return properties;
  }
}
