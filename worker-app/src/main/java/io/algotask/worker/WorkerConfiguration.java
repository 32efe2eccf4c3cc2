package io.algotask.worker;

import io.temporal.spring.boot.WorkerOptionsCustomizer;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

  /**
   * How often at most an activity's heartbeats reach Temporal, whose answer carries a cancel: a
   * resending activity stops within about this long of its task's cancel, and the slot waits for
   * it. Only resends heartbeat, so a short interval costs little.
   */
  @Bean
  WorkerOptionsCustomizer heartbeatThrottle(
      @Value("${algotask.temporal.heartbeat-throttle:1s}") Duration throttle) {
    return (options, workerName, taskQueue) -> options.setMaxHeartbeatThrottleInterval(throttle);
  }
}
