# syntax=docker/dockerfile:1
# The OCR algorithm service's image (algorithms/ocr): Tesseract with English and Simplified Chinese,
# poppler for PDFs, and the service's jar. Build from the repository root, after
# `./mvnw -DskipTests package -pl algorithms/ocr -am`:
#   docker build -f deploy/docker/ocr-algorithm.Dockerfile -t algotask-ocr-algorithm:0.1.0 .
# (deploy/docker/ocr-algorithm.Dockerfile.dockerignore limits the context to the jar.)
FROM eclipse-temurin:17.0.17_10-jre-noble
# the programs the service runs; curl runs the HEALTHCHECK below
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim poppler-utils curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 algotask \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin algotask
WORKDIR /app
COPY algorithms/ocr/target/algotask-ocr-algorithm.jar ocr-algorithm.jar
USER 10001:10001

EXPOSE 8091
# Listen beyond the container's loopback. Its capacity defaults to the processors the container
# sees; OCR_SIGNING_KEYS (id:secret,...) makes it check Algotask's signature of each request.
ENV OCR_BIND_ADDRESS=0.0.0.0 \
    OCR_PORT=8091 \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8091/health || exit 1
# exec: the JVM replaces the shell as PID 1, so SIGTERM reaches it
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/ocr-algorithm.jar \"$@\"", "--"]
