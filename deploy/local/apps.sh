# shellcheck shell=bash
# deploy/local/apps.sh - the Algotask apps on top of the local stack (sourced by ./algotask after
# stack.sh, whose helpers it uses): the OCR algorithm service, the sample algorithm service,
# worker-app and api-app, and the demo that drives them. Each app is a service in the same sense as in stack.sh: <app>_ports,
# <app>_marker, <app>_start, <app>_healthy; pids in .stack/run, logs in .stack/logs.

: "${ALGOTASK_API_PORT:=8080}"
: "${ALGOTASK_API_GRPC_PORT:=9090}"
: "${ALGOTASK_WORKER_PORT:=8081}"
: "${ALGOTASK_API_MANAGEMENT_PORT:=8180}"    # the actuator: health details, metrics, Prometheus
: "${ALGOTASK_WORKER_MANAGEMENT_PORT:=8181}"
# The apps run with the local profile: the stack's addresses and development credentials.
: "${ALGOTASK_APP_PROFILES:=local}"
: "${ALGOTASK_SAMPLE_PORT:=8090}"    # the sample algorithm service: the demo's classify points here
: "${ALGOTASK_OCR_PORT:=8091}"       # the OCR algorithm service (algorithms/ocr): the demo's ocr
: "${ALGOTASK_DEV_OPERATOR_TOKEN:=algotask-dev-operator-token}" # the local profile's operator token
: "${ALGOTASK_APP_HEALTH_TIMEOUT:=180}" # seconds; a cold JVM on two busy cores is slow
: "${ALGOTASK_APP_JAVA_OPTS:=-Xms64m -Xmx512m -XX:+UseSerialGC}"

APP_SERVICES=(ocr sample worker api)

ocr_jar() { printf '%s/algorithms/ocr/target/algotask-ocr-algorithm.jar' "$ALGOTASK_ROOT"; }
ocr_ports() { echo "$ALGOTASK_OCR_PORT"; }
ocr_marker() { echo "algotask-ocr-algorithm.jar"; }
ocr_start() {
  # Its capacity is the number of processors (OCR_CAPACITY overrides); the apps' local profile
  # signs invocations with the development key, which it checks.
  OCR_SIGNING_KEYS="dev-invocations-1:algotask-development-invocation-key-not-a-secret" \
    spawn_daemon ocr "$ALGOTASK_ROOT" "$ALGOTASK_JAVA" -Xmx128m -XX:+UseSerialGC -jar "$(ocr_jar)" \
    --port="$ALGOTASK_OCR_PORT"
}
ocr_healthy() { curl -fsS --max-time 3 "http://$H:$ALGOTASK_OCR_PORT/health" >/dev/null 2>&1; }

sample_jar() { printf '%s/sample-algorithm/target/algotask-sample-algorithm.jar' "$ALGOTASK_ROOT"; }
sample_ports() { echo "$ALGOTASK_SAMPLE_PORT"; }
sample_marker() { echo "algotask-sample-algorithm.jar"; }
sample_start() {
  # Its latency and misbehaviour rates come from ALGOTASK_SAMPLE_* variables.
  spawn_daemon sample "$ALGOTASK_ROOT" "$ALGOTASK_JAVA" -Xmx128m -XX:+UseSerialGC -jar "$(sample_jar)" \
    --port="$ALGOTASK_SAMPLE_PORT"
}
sample_healthy() { curl -fsS --max-time 3 "http://$H:$ALGOTASK_SAMPLE_PORT/health" >/dev/null 2>&1; }

demo_jar() { printf '%s/demo/target/algotask-demo.jar' "$ALGOTASK_ROOT"; }

worker_jar() { printf '%s/worker-app/target/algotask-worker-app.jar' "$ALGOTASK_ROOT"; }
worker_ports() { echo "$ALGOTASK_WORKER_PORT $ALGOTASK_WORKER_MANAGEMENT_PORT"; }
worker_marker() { echo "algotask-worker-app.jar"; }
worker_start() {
  # shellcheck disable=SC2086 # word splitting of the JVM options is intended
  spawn_daemon worker "$ALGOTASK_ROOT" "$ALGOTASK_JAVA" $ALGOTASK_APP_JAVA_OPTS -jar "$(worker_jar)" \
    --spring.profiles.active="$ALGOTASK_APP_PROFILES" --server.port="$ALGOTASK_WORKER_PORT" \
    --management.server.port="$ALGOTASK_WORKER_MANAGEMENT_PORT"
}
worker_healthy() { app_health_up "$ALGOTASK_WORKER_MANAGEMENT_PORT"; }

api_jar() { printf '%s/api-app/target/algotask-api-app.jar' "$ALGOTASK_ROOT"; }
api_ports() { echo "$ALGOTASK_API_PORT $ALGOTASK_API_GRPC_PORT $ALGOTASK_API_MANAGEMENT_PORT"; }
api_marker() { echo "algotask-api-app.jar"; }
api_start() {
  # shellcheck disable=SC2086
  spawn_daemon api "$ALGOTASK_ROOT" "$ALGOTASK_JAVA" $ALGOTASK_APP_JAVA_OPTS -jar "$(api_jar)" \
    --spring.profiles.active="$ALGOTASK_APP_PROFILES" --server.port="$ALGOTASK_API_PORT" \
    --spring.grpc.server.port="$ALGOTASK_API_GRPC_PORT" \
    --management.server.port="$ALGOTASK_API_MANAGEMENT_PORT"
}
api_healthy() { app_health_up "$ALGOTASK_API_MANAGEMENT_PORT"; }

# True when the app's actuator (on its management port) says UP overall.
app_health_up() { # management port
  curl -fsS --max-time 3 "http://$H:$1/actuator/health" 2>/dev/null |
    python3 -c 'import json,sys; sys.exit(json.load(sys.stdin).get("status") != "UP")' 2>/dev/null
}

# True when one of the jars is missing, or a POM or main source is newer than it.
jars_stale() { # jar...
  local jar
  for jar in "$@"; do
    if [[ ! -f $jar ]] || [[ -n $(find "$ALGOTASK_ROOT" -path "$ALGOTASK_ROOT/.stack" -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -print -quit) ]]; then
      return 0
    fi
  done
  return 1
}

# Rebuilds with Maven (tests left to `test`) when one of the jars is stale.
jars_build() { # what "mvn args" jar...
  local what=$1 args=$2 t0=$EPOCHREALTIME
  shift 2
  jars_stale "$@" || { log "$what: jars are up to date"; return 0; }
  log "$what: building (./mvnw $args; log in $(svc_log build))"
  ensure_dirs
  # a running app would load classes from a jar rewritten under it
  apps_down >/dev/null
  # shellcheck disable=SC2086 # the arguments are words
  if ! (cd "$ALGOTASK_ROOT" && ./mvnw -B -ntp -q $args >"$(svc_log build)" 2>&1); then
    show_log_tail "$(svc_log build)" 40
    die "$what: the build failed"
  fi
  log "$what: built in $(elapsed_since "$t0")s"
}

apps_build() {
  jars_build apps "-DskipTests package" "$(ocr_jar)" "$(sample_jar)" "$(worker_jar)" "$(api_jar)" \
    "$(demo_jar)"
}

apps_up() {
  local app port pid t0=$EPOCHREALTIME
  local -a todo=() failed=()
  apps_build
  for app in "${APP_SERVICES[@]}"; do
    pid=$(svc_pid "$app")
    if [[ -n $pid ]]; then
      log "$app: already running (pid $pid)"
    else
      svc_clear_stale_pid "$app"
      for port in $("$app"_ports); do
        if port_listening "$port"; then
          die "port $port ($app) is taken by another process: $(port_owner_line "$port")"
        fi
      done
      "${app}_start" || die "$app: could not start"
    fi
    todo+=("$app")
  done
  log "apps: waiting for health (up to ${ALGOTASK_APP_HEALTH_TIMEOUT}s)"
  for app in "${todo[@]}"; do
    svc_wait_healthy "$app" "$ALGOTASK_APP_HEALTH_TIMEOUT" "${app}_healthy" || failed+=("$app")
  done
  if ((${#failed[@]})); then
    for app in "${failed[@]}"; do
      err "$app did not become healthy"
      show_log_tail "$(svc_log "$app")" 40
    done
    die "apps failed: ${failed[*]} (./algotask stack logs ${failed[0]})"
  fi
  log "apps up in $(elapsed_since "$t0")s"
  apps_status || true
}

apps_down() {
  local app
  for app in "${APP_SERVICES[@]}"; do svc_down "$app"; done
}

app_ready() { "${1}_healthy"; }

# Same columns as the stack's table; returns 1 if an app is not up.
apps_status() {
  local any_down=0
  status_rows APP app_ready "${APP_SERVICES[@]}" || any_down=1
  if [[ $SHAPE == cluster ]]; then
    cluster_apps_endpoints
    return "$any_down"
  fi
  cat <<EOTXT

  ocr         http://$H:$ALGOTASK_OCR_PORT/health   (the OCR algorithm service: ocr)
  sample      http://$H:$ALGOTASK_SAMPLE_PORT/stats   (the sample algorithm service: classify)
  api-app     HTTP http://$H:$ALGOTASK_API_PORT   gRPC $H:$ALGOTASK_API_GRPC_PORT   health http://$H:$ALGOTASK_API_MANAGEMENT_PORT/actuator/health
  worker-app  probes http://$H:$ALGOTASK_WORKER_PORT/actuator/health/readiness   health http://$H:$ALGOTASK_WORKER_MANAGEMENT_PORT/actuator/health
  Temporal Web UI  http://$H:$ALGOTASK_TEMPORAL_UI_PORT
EOTXT
  return "$any_down"
}

# The sample documents, drawn by the OCR module (English, Chinese, an invoice, a noisy scan, a
# three-page PDF), written once into .stack/samples.
demo_samples() {
  local dir=$STACK_DIR/samples
  if [[ ! -s $dir/report.pdf ]]; then
    "$ALGOTASK_JAVA" -Xmx256m -Djava.awt.headless=true -cp "$(ocr_jar)" \
      io.algotask.ocr.SampleDocuments "$dir" >/dev/null || die "could not draw the sample documents"
  fi
  printf '%s\n' "$dir"/english.png "$dir"/chinese.png "$dir"/invoice.png "$dir"/scan.png \
    "$dir"/report.pdf
}

# The configuration only seeds the registry, so a database of an older demo keeps its ocr on the
# sample service: say how to move it to the OCR service rather than change an operator's setting.
demo_check_ocr_registration() {
  local want="http://$H:$ALGOTASK_OCR_PORT/ocr" have
  have=$(curl -fsS --max-time 5 -H "Authorization: Bearer $ALGOTASK_DEV_OPERATOR_TOKEN" \
    "http://$H:$ALGOTASK_API_PORT/v1/algorithms" 2>/dev/null | python3 -c '
import json, sys
print(next((a["endpoint"] for a in json.load(sys.stdin) if a["name"] == "ocr"), ""))' 2>/dev/null) ||
    return 0
  [[ -z $have || $have == "$want" ]] && return 0
  warn "the registered ocr algorithm calls $have, not the OCR service; to move it:"
  warn "  curl -H 'Authorization: Bearer $ALGOTASK_DEV_OPERATOR_TOKEN' -H 'Content-Type: application/json' -X PUT http://$H:$ALGOTASK_API_PORT/v1/algorithms/ocr -d '{\"endpoint\":\"$want\",\"cancelEndpoint\":\"$want/cancel\"}'"
}

# The main job's last step: upload the documents (the user's FILEs, else the samples), submit a task
# for each over Kafka and print each result as it arrives.
demo_run() { # [--once] [--tasks=N] ... [FILE...]
  local a
  local -a files=()
  for a in "$@"; do [[ $a == -* ]] || files+=("$a"); done
  if ((${#files[@]} == 0)); then
    mapfile -t files < <(demo_samples)
    log "demo: no FILE given: the sample documents in $STACK_DIR/samples"
    set -- "$@" "${files[@]}"
  fi
  demo_check_ocr_registration
  log "demo: submitting tasks (java -jar $(demo_jar) $*)"
  "$ALGOTASK_JAVA" -Xmx256m -jar "$(demo_jar)" "$@"
}

# ----------------------------------------------------------------------------------------------
# The benchmark (./algotask bench): its own apps and sample service per run, on the stack
# ----------------------------------------------------------------------------------------------
bench_jar() { printf '%s/bench/target/algotask-bench.jar' "$ALGOTASK_ROOT"; }

# The plots need a font; the JDK's headless runtime brings fontconfig but no font.
bench_install() {
  local -a missing
  mapfile -t missing < <(apt_missing fonts-dejavu-core)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
}

# Only the modules the benchmark needs.
bench_build() {
  jars_build bench "-DskipTests package -pl bench -am" \
    "$(sample_jar)" "$(worker_jar)" "$(api_jar)" "$(bench_jar)" "$(ocr_jar)"
}

# Runs the scenarios against the stack's endpoints; the report goes to bench/reports/<UTC time>/.
bench_run() { # [scenario ...] [--key=value ...]
  local -a stack
  mapfile -t stack < <("${SHAPE}_bench_arguments")
  log "bench: java -jar $(bench_jar) $*"
  local shape=""
  [[ $SHAPE == default ]] || shape=" --$SHAPE"
  ALGOTASK_BENCH_COMMAND="./algotask bench$shape${*:+ $*}" \
    "$ALGOTASK_JAVA" -Xmx768m -XX:+UseSerialGC -Djava.awt.headless=true -jar "$(bench_jar)" \
    --root="$ALGOTASK_ROOT" --stack-dir="$STACK_DIR" "${stack[@]}" \
    --db-user="$ALGOTASK_DB_USER" --db-password="$ALGOTASK_DB_PASSWORD" \
    --s3-endpoint="http://$H:$ALGOTASK_S3PROXY_PORT" \
    --s3-region="$ALGOTASK_S3_REGION" --s3-access-key="$ALGOTASK_S3_ACCESS_KEY" \
    --s3-secret-key="$ALGOTASK_S3_SECRET_KEY" "$@"
}

# Where the default shape's servers are, for the bench.
default_bench_arguments() {
  printf '%s\n' --kafka="$H:$ALGOTASK_KAFKA_PORT" --temporal="$H:$ALGOTASK_TEMPORAL_PORT" \
    --namespace="$ALGOTASK_TEMPORAL_NAMESPACE" \
    --jdbc-url="jdbc:postgresql://$H:$ALGOTASK_POSTGRES_PORT/$ALGOTASK_DB_NAME" \
    --redis-uri="redis://$H:$ALGOTASK_REDIS_PORT"
}
