# syntax=docker/dockerfile:1
# The worker-app image. Build from the repository root, after `./mvnw -DskipTests package`:
#   docker build -f deploy/docker/worker-app.Dockerfile -t algotask-worker-app:0.1.0 .
# (deploy/docker/worker-app.Dockerfile.dockerignore limits the context to the jar.)

# Stage 1: split the Spring Boot jar into its layers, least likely to change first.
FROM eclipse-temurin:17.0.17_10-jre-noble AS layers
WORKDIR /build
COPY worker-app/target/algotask-worker-app.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# Stage 2: the runtime image.
FROM eclipse-temurin:17.0.17_10-jre-noble
# curl runs the HEALTHCHECK below
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 algotask \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin algotask
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
USER 10001:10001

# business port (the probes), management port (health details, metrics: keep it private)
EXPOSE 8081 8181
# The heap follows the container's memory limit; the rest is left to metaspace, threads, direct
# buffers (gRPC, Netty) and the OS. JAVA_TOOL_OPTIONS adds to these, JAVA_OPTS replaces them.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=70 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError"
# ready = the process and PostgreSQL, Redis, Kafka and Temporal (the actuator's readiness group)
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8081/actuator/health/readiness || exit 1
# exec: the JVM replaces the shell as PID 1, so SIGTERM reaches it and the shutdown is graceful
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS org.springframework.boot.loader.launch.JarLauncher \"$@\"", "--"]
