package io.algotask.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/** The manifests {@code helm template} rendered, as maps, with lookups the checks share. */
record RenderedChart(List<Map<String, Object>> manifests) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

  static RenderedChart parse(String yaml) {
    var manifests = new ArrayList<Map<String, Object>>();
    for (var document : new Yaml().loadAll(yaml)) {
      if (document instanceof Map<?, ?> map) {
        manifests.add(cast(map));
      }
    }
    return new RenderedChart(List.copyOf(manifests));
  }

  List<Map<String, Object>> ofKind(String kind) {
    return manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
  }

  List<String> kinds() {
    return manifests.stream().map(m -> (String) m.get("kind")).toList();
  }

  /** The Deployment of an app (worker-app or api-app), by its name label. */
  Map<String, Object> deployment(String app) {
    return ofKind("Deployment").stream()
        .filter(d -> app.equals(at(d, "metadata", "labels", "app.kubernetes.io/name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment of " + app));
  }

  /** The one container of an app's pods. */
  Map<String, Object> container(String app) {
    List<Object> containers = at(deployment(app), "spec", "template", "spec", "containers");
    if (containers.size() != 1) {
      throw new AssertionError(app + " has " + containers.size() + " containers, not one");
    }
    return cast((Map<?, ?>) containers.get(0));
  }

  /** The container's environment variables by name, each as its manifest gives it. */
  Map<String, Map<String, Object>> environment(String app) {
    var environment = new LinkedHashMap<String, Map<String, Object>>();
    List<Object> env = at(container(app), "env");
    for (var variable : env) {
      Map<String, Object> map = cast((Map<?, ?>) variable);
      environment.put((String) map.get("name"), map);
    }
    return environment;
  }

  /** The application.yaml of the chart's ConfigMap of settings, flattened. */
  Map<String, Object> applicationProperties() {
    var configMaps =
        ofKind("ConfigMap").stream()
            .filter(m -> at(m, "data", "application.yaml") != null)
            .toList();
    if (configMaps.size() != 1) {
      throw new AssertionError(configMaps.size() + " ConfigMaps of settings, not one");
    }
    String yaml = at(configMaps.get(0), "data", "application.yaml");
    return FlatYaml.flatten(new Yaml().load(yaml));
  }

  /** The environment variables the application.yaml refers to, {@code ${REDIS_PASSWORD}}. */
  List<String> placeholders() {
    var names = new ArrayList<String>();
    applicationProperties()
        .values()
        .forEach(
            value -> {
              var matcher = PLACEHOLDER.matcher(String.valueOf(value));
              while (matcher.find()) {
                names.add(matcher.group(1));
              }
            });
    return names;
  }

  /** A value in nested maps, or null where one is missing. */
  @SuppressWarnings("unchecked")
  static <T> T at(Map<String, Object> map, String... path) {
    Object current = map;
    for (var key : path) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return (T) current;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
