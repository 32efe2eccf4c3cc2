package io.algotask.adapters.redis;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Redis that holds the concurrency slots: one server, or a Redis Cluster.
 *
 * @param uri a Lettuce uri of one server, e.g. {@code redis://127.0.0.1:6379} or {@code
 *     rediss://...}; not used when {@code clusterNodes} are given
 * @param clusterNodes seed nodes of a Redis Cluster, as Lettuce uris (e.g. {@code
 *     redis://10.0.0.1:6379,redis://10.0.0.2:6379}): the client learns the other nodes from them.
 *     Empty (the default): {@code uri} is the one server
 * @param commandTimeout the longest wait for one command
 * @param clusterTopologyRefresh how often the cluster client reads the cluster's topology again; it
 *     also does so at once (at most once per this period) on a MOVED or ASK redirect, repeated
 *     reconnects or a slot no node serves, so that a replica promoted after its master failed is
 *     followed within seconds
 */
@Validated
@ConfigurationProperties("algotask.redis")
public record RedisProperties(
    URI uri,
    @DefaultValue @NotNull List<URI> clusterNodes,
    @DefaultValue("2s") Duration commandTimeout,
    @DefaultValue("10s") Duration clusterTopologyRefresh) {

  /** Whether the slots live in a Redis Cluster (given by its nodes) rather than one server. */
  public boolean cluster() {
    return !clusterNodes.isEmpty();
  }

  @AssertTrue(message = "set algotask.redis.uri or algotask.redis.cluster-nodes")
  public boolean isServerGiven() {
    return uri != null || cluster();
  }
}
