package io.algotask.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.io.ClassPathResource;

/**
 * The producer settings both apps share: results are acknowledged by every in-sync replica and
 * written once however often a send is retried, and nothing in the settings contradicts that (Kafka
 * refuses such a producer at its creation).
 */
class ProducerSettingsTest {

  private static Map<String, Object> sharedProducerSettings() throws Exception {
    var file = "algotask-common.yaml";
    var sources = new YamlPropertySourceLoader().load(file, new ClassPathResource(file));
    var kafka =
        new Binder(ConfigurationPropertySources.from(sources.get(0)))
            .bind("spring.kafka", KafkaProperties.class)
            .get();
    var settings = new HashMap<>(kafka.buildProducerProperties());
    // an address nobody listens on: a producer connects only when it first sends
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return settings;
  }

  @Test
  void producersAreIdempotentAndWaitForEveryInSyncReplica() throws Exception {
    var config = new ProducerConfig(sharedProducerSettings());

    assertThat(config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
    assertThat(config.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo("-1"); // all
    assertThat(config.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)).isBetween(1, 5);
    assertThat(config.getInt(ProducerConfig.RETRIES_CONFIG)).isPositive();
    assertThat((long) config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
        .isGreaterThanOrEqualTo(
            config.getLong(ProducerConfig.LINGER_MS_CONFIG)
                + config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
  }

  @Test
  void kafkaAcceptsTheSettingsAsAProducer() throws Exception {
    try (var producer = new KafkaProducer<String, String>(sharedProducerSettings())) {
      assertThat(producer.metrics()).isNotEmpty();
    }
  }

  @Test
  void anOverrideThatBreaksIdempotenceIsRefusedByKafka() throws Exception {
    var settings = sharedProducerSettings();
    settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 6);

    assertThatThrownBy(() -> new ProducerConfig(settings))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
  }
}
