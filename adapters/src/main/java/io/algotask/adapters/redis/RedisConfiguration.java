package io.algotask.adapters.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One Lettuce client and one shared, thread-safe connection per process: Lettuce pipelines the
 * commands of all threads over it, and reconnects by itself.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisProperties.class)
public class RedisConfiguration {

  @Bean(destroyMethod = "shutdown")
  RedisClient redisClient(RedisProperties properties) {
    var uri = RedisURI.create(properties.uri());
    uri.setTimeout(properties.commandTimeout());
    return RedisClient.create(uri);
  }

  @Bean(destroyMethod = "close")
  StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
    return client.connect();
  }

  @Bean("redisHealthIndicator")
  RedisHealthIndicator redisHealthIndicator(StatefulRedisConnection<String, String> connection) {
    return new RedisHealthIndicator(connection);
  }
}
