package io.algotask.adapters.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import java.net.URI;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One Lettuce client and one shared, thread-safe connection per process: Lettuce pipelines the
 * commands of all threads over it, and reconnects by itself. Given cluster nodes, the client is a
 * cluster client that follows the cluster's topology (failovers, moved slots); else it talks to the
 * one server of {@code algotask.redis.uri}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RedisProperties.class)
public class RedisConfiguration {

  @Bean(destroyMethod = "shutdown")
  AbstractRedisClient redisClient(RedisProperties properties) {
    if (!properties.cluster()) {
      return RedisClient.create(redisUri(properties.uri(), properties));
    }
    var client =
        RedisClusterClient.create(
            properties.clusterNodes().stream().map(node -> redisUri(node, properties)).toList());
    var refresh = properties.clusterTopologyRefresh();
    client.setOptions(
        ClusterClientOptions.builder()
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(refresh)
                    // MOVED, ASK, repeated reconnects, a slot no node serves, an unknown node
                    .enableAllAdaptiveRefreshTriggers()
                    .adaptiveRefreshTriggersTimeout(refresh)
                    .build())
            // a node down or going down is left out of the view: commands that go to every
            // node (SCAN, KEYS) then skip it instead of failing on it
            .nodeFilter(RedisConfiguration::reachable)
            .build());
    return client;
  }

  @Bean(destroyMethod = "close")
  RedisConnection redisConnection(AbstractRedisClient client) {
    if (client instanceof RedisClusterClient cluster) {
      return RedisConnection.of(cluster.connect());
    }
    return RedisConnection.of(((RedisClient) client).connect());
  }

  @Bean("redisHealthIndicator")
  RedisHealthIndicator redisHealthIndicator(RedisConnection connection) {
    return new RedisHealthIndicator(connection);
  }

  private static boolean reachable(RedisClusterNode node) {
    return !(node.is(NodeFlag.FAIL) || node.is(NodeFlag.EVENTUAL_FAIL) || node.is(NodeFlag.NOADDR));
  }

  private static RedisURI redisUri(URI uri, RedisProperties properties) {
    var redisUri = RedisURI.create(uri);
    redisUri.setTimeout(properties.commandTimeout());
    return redisUri;
  }
}
