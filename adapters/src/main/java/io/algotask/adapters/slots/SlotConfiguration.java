package io.algotask.adapters.slots;

import io.algotask.adapters.redis.RedisConnection;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SlotProperties.class)
public class SlotConfiguration {

  @Bean
  SlotSemaphore slotSemaphore(RedisConnection redis, SlotProperties properties) {
    return new SlotSemaphore(redis, properties);
  }
}
