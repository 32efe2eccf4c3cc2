package io.algotask.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The configuration properties an app knows: the Spring configuration metadata of everything its
 * repackaged jar ships (its own, at the jar's root, and every library's in BOOT-INF/lib, Spring
 * Boot's and the Temporal starter's included).
 *
 * <p>A property is known when its name is in the metadata, or when it lies under a property of a
 * map or list type: {@code algotask.algorithms.ocr.endpoint} under the map {@code
 * algotask.algorithms}, {@code algotask.api.clients[0].key} under the list {@code
 * algotask.api.clients}, {@code spring.kafka.properties.sasl.mechanism} under the map {@code
 * spring.kafka.properties}.
 */
final class ConfigurationMetadata {
  private static final String[] FILES = {
    "META-INF/spring-configuration-metadata.json",
    "META-INF/additional-spring-configuration-metadata.json"
  };
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every property name, with its type (empty when the metadata gives none). */
  private final Map<String, String> types = new HashMap<>();

  /** The environment-variable form of every property name, back to the name. */
  private final Map<String, String> byEnvironmentVariable = new HashMap<>();

  private final Set<String> containers = new HashSet<>();

  private ConfigurationMetadata() {}

  static ConfigurationMetadata ofAppJar(Path jar) throws IOException {
    var metadata = new ConfigurationMetadata();
    try (var zip = new ZipFile(jar.toFile())) {
      // the app's own: the repackaged jar keeps META-INF at its root
      for (var file : FILES) {
        var entry = zip.getEntry(file);
        if (entry != null) {
          try (var in = zip.getInputStream(entry)) {
            metadata.add(in.readAllBytes());
          }
        }
      }
      var entries = zip.entries();
      while (entries.hasMoreElements()) {
        var entry = entries.nextElement();
        if (entry.getName().startsWith("BOOT-INF/lib/") && entry.getName().endsWith(".jar")) {
          try (var in = zip.getInputStream(entry)) {
            metadata.addLibrary(in);
          }
        }
      }
    }
    if (metadata.types.isEmpty()) {
      throw new IllegalStateException(jar + " holds no configuration metadata");
    }
    return metadata;
  }

  private void addLibrary(InputStream jar) throws IOException {
    var nested = new ZipInputStream(jar);
    for (var entry = nested.getNextEntry(); entry != null; entry = nested.getNextEntry()) {
      for (var file : FILES) {
        if (entry.getName().equals(file)) {
          add(nested.readAllBytes());
        }
      }
    }
  }

  private void add(byte[] json) throws IOException {
    JsonNode root = JSON.readTree(new ByteArrayInputStream(json));
    for (var property : root.path("properties")) {
      var name = property.path("name").asString();
      var type = property.path("type").asString("");
      types.merge(name, type, (old, added) -> old.isEmpty() ? added : old);
      byEnvironmentVariable.put(FlatYaml.environmentVariable(name), name);
      if (type.startsWith("java.util.Map")
          || type.startsWith("java.util.List")
          || type.startsWith("java.util.Set")
          || type.startsWith("java.util.Collection")
          || type.endsWith("[]")) {
        containers.add(name);
      }
    }
  }

  int size() {
    return types.size();
  }

  /** Whether the property (a flattened name, list indexes as {@code [0]}) is known. */
  boolean knows(String name) {
    var plain = name.replaceAll("\\[\\d+]$", "");
    if (types.containsKey(plain)) {
      return true;
    }
    for (int i = plain.length() - 1; i > 0; i--) {
      var c = plain.charAt(i);
      if ((c == '.' || c == '[') && containers.contains(plain.substring(0, i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether an environment variable names a known property ({@code ALGOTASK_API_OPERATORTOKEN}).
   */
  boolean knowsEnvironmentVariable(String variable) {
    if (byEnvironmentVariable.containsKey(variable)) {
      return true;
    }
    for (var container : containers) {
      if (variable.startsWith(FlatYaml.environmentVariable(container) + "_")) {
        return true;
      }
    }
    return false;
  }
}
