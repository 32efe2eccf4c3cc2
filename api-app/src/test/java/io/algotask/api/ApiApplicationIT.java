package io.algotask.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.algotask.adapters.testing.ActuatorHealth;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "spring.grpc.server.port=0")
@ActiveProfiles("it")
class ApiApplicationIT {
  @LocalServerPort int httpPort;
  @LocalManagementPort int managementPort;
  @LocalGrpcPort int grpcPort;
  @Autowired HealthEndpointGroups healthGroups;

  @Test
  void startsAgainstTheLocalStackAndReportsEachServiceHealthy() throws Exception {
    ActuatorHealth.assertStackUp(managementPort);
  }

  @Test
  void theBusinessPortServesTheProbesAloneAndReadinessNeedsTheStack() throws Exception {
    ActuatorHealth.assertProbesAloneOnTheBusinessPort(httpPort, managementPort);
    ActuatorHealth.assertProbeGroups(healthGroups);
  }

  @Test
  void servesGrpc() throws Exception {
    var channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    try {
      var response =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance());
      assertThat(response.getStatus()).isEqualTo(ServingStatus.SERVING);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
