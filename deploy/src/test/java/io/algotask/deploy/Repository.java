package io.algotask.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where the repository and the apps' build outputs are. */
final class Repository {
  /** The apps: module folder and the jar {@code ./mvnw package} writes into its target folder. */
  static final Map<String, String> APP_JARS =
      Map.of("worker-app", "algotask-worker-app.jar", "api-app", "algotask-api-app.jar");

  private Repository() {}

  static Path root() {
    var given = System.getProperty("algotask.repository");
    var root = given != null ? Path.of(given) : Path.of("").toAbsolutePath().getParent();
    return root.toAbsolutePath().normalize();
  }

  static Path path(String relative) {
    return root().resolve(relative);
  }

  /** The app's repackaged jar; fails with what to run when the build has not written it. */
  static Path appJar(String app) {
    var jar = path(app + "/target/" + APP_JARS.get(app));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: these checks read the apps' jars, so run them after the apps'"
              + " package phase (./mvnw -DskipTests package, or ./mvnw verify)");
    }
    return jar;
  }
}
