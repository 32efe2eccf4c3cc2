package io.algotask.adapters.slots;

import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SlotProperties.class)
public class SlotConfiguration {

  @Bean
  SlotSemaphore slotSemaphore(
      StatefulRedisConnection<String, String> redis, SlotProperties properties) {
    return new SlotSemaphore(redis, properties);
  }
}
