package io.algotask.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** What an app's own application.yaml says: the settings a deployment must agree with. */
record AppSettings(int serverPort, int managementPort, Integer grpcPort) {

  static AppSettings of(String app) throws IOException {
    Map<String, Object> flat;
    try (Reader reader =
        Files.newBufferedReader(Repository.path(app + "/src/main/resources/application.yaml"))) {
      flat = FlatYaml.flatten(new Yaml().load(reader));
    }
    var grpc = flat.get("spring.grpc.server.port");
    return new AppSettings(
        ((Number) flat.get("server.port")).intValue(),
        ((Number) flat.get("management.server.port")).intValue(),
        grpc == null ? null : ((Number) grpc).intValue());
  }
}
