# shellcheck shell=bash
# deploy/local/cluster.sh - the cluster shape of the local stack (sourced by ./algotask after
# stack.sh and apps.sh). `--cluster` on stack up, run, test and bench selects it: the same kinds of
# server a production deployment uses, all on 127.0.0.1, beside the default stack (its own ports):
#   temporalpg       Temporal server (built from go.temporal.io/server) on PostgreSQL, 4 history shards
#   temporalui       the Temporal Web UI server, pointed at it
#   redis1..redis6   a Redis Cluster: three masters, each with a replica
#   kafka1..kafka3   three Kafka brokers (KRaft, each also a controller), topics replicated 3 times
#   postgres s3proxy shared with the default shape (Temporal and Algotask have databases of their own)
# and the apps: the OCR and sample algorithm services, worker1 worker2, api1 api2, and proxy (nginx), the
# one HTTP, gRPC and callback address in front of the two api-apps.

: "${ALGOTASK_CLUSTER_TEMPORAL_PORT:=7333}"     # frontend gRPC; history +1, matching +2, worker +6
: "${ALGOTASK_CLUSTER_TEMPORAL_UI_PORT:=8243}"
: "${ALGOTASK_CLUSTER_TEMPORAL_NAMESPACE:=algotask}"
: "${ALGOTASK_CLUSTER_TEMPORAL_RETENTION:=72h}"
: "${ALGOTASK_CLUSTER_TEMPORAL_SHARDS:=4}"
: "${ALGOTASK_CLUSTER_REDIS_PORT:=7101}"        # first of six; the cluster bus is each port + 10000
: "${ALGOTASK_CLUSTER_KAFKA_PORT:=9191}"        # first of three brokers
: "${ALGOTASK_CLUSTER_KAFKA_CONTROLLER_PORT:=9291}"
: "${ALGOTASK_CLUSTER_DB_NAME:=algotask_cluster}"
: "${ALGOTASK_CLUSTER_API_PORT:=8470}"          # the proxy: HTTP and callbacks
: "${ALGOTASK_CLUSTER_API_GRPC_PORT:=9470}"     # the proxy: gRPC
: "${ALGOTASK_CLUSTER_APP_PORT:=8471}"          # api1 8471, api2 8472, worker1 8481, worker2 8482;
                                                # gRPC +1000, management +100

export ALGOTASK_CLUSTER_TEMPORAL_PORT ALGOTASK_CLUSTER_REDIS_PORT ALGOTASK_CLUSTER_API_PORT \
  ALGOTASK_CLUSTER_APP_PORT ALGOTASK_CLUSTER_DB_NAME

CLUSTER_STACK_SERVICES=(postgres s3proxy temporalpg temporalui redis1 redis2 redis3 redis4 redis5 redis6
  kafka1 kafka2 kafka3)
CLUSTER_APP_SERVICES=(ocr sample worker1 worker2 api1 api2 proxy)

# From here on the launcher's commands work on the cluster shape.
use_cluster_shape() {
  SHAPE=cluster
  STACK_SERVICES=("${CLUSTER_STACK_SERVICES[@]}")
  APP_SERVICES=("${CLUSTER_APP_SERVICES[@]}")
  APT_PACKAGES+=(nginx)
}

cluster_install() {
  install_all
  install_cluster_tools
  # the server's SQL schemas come with its module source (gone if the module cache was cleaned)
  [[ -d $(temporal_schema_dir)/temporal ]] \
    || (cd / && GOTOOLCHAIN=$ALGOTASK_GO_TOOLCHAIN go mod download "go.temporal.io/server@$ALGOTASK_TEMPORAL_SERVER_VERSION") \
    || die "could not fetch the Temporal server's module for its SQL schemas"
}

temporal_schema_dir() {
  printf '%s/go.temporal.io/server@%s/schema/postgresql/v12' "$(go env GOMODCACHE)" "$ALGOTASK_TEMPORAL_SERVER_VERSION"
}

cluster_port() { # base index(1-based) -> base + index - 1
  echo $(($1 + $2 - 1))
}

# ----------------------------------------------------------------------------------------------
# temporalpg: the Temporal server on PostgreSQL
# ----------------------------------------------------------------------------------------------
TEMPORALPG_DIR=$STACK_DIR/temporalpg
temporalpg_ports() {
  local p=$ALGOTASK_CLUSTER_TEMPORAL_PORT
  echo "$p $((p + 1)) $((p + 2)) $((p + 6))"
}
temporalpg_marker() { echo "temporal-server"; }

temporal_sql() { # database sql-tool-args...
  local db=$1
  shift
  "$GO_TOOLS_BIN/temporal-sql-tool" --plugin postgres12 --ep "$H" -p "$ALGOTASK_POSTGRES_PORT" \
    -u "$ALGOTASK_DB_USER" --pw "$ALGOTASK_DB_PASSWORD" --db "$db" "$@"
}

# Idempotent: the databases of Temporal and of the cluster shape's apps, and Temporal's schemas at
# the version of the server built (update-schema applies only what a database lacks).
temporalpg_schema() {
  pg_psql_admin -v u="$ALGOTASK_DB_USER" -v adb="$ALGOTASK_CLUSTER_DB_NAME" >/dev/null <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', d, :'u') FROM unnest(ARRAY['temporal', 'temporal_visibility', :'adb']) d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \gexec
SQL
  local db store schemas
  schemas=$(temporal_schema_dir)
  for db in temporal temporal_visibility; do
    store=temporal
    [[ $db == temporal ]] || store=visibility
    if ! temporal_sql "$db" update-schema -d "$schemas/$store/versioned" >>"$(svc_log temporalpg)" 2>&1; then
      # a new database has no schema_version table yet: set it up at version 0, then update
      temporal_sql "$db" setup-schema -v 0.0 >>"$(svc_log temporalpg)" 2>&1 \
        && temporal_sql "$db" update-schema -d "$schemas/$store/versioned" >>"$(svc_log temporalpg)" 2>&1 \
        || { err "temporalpg: the schema of $db could not be set up"; return 1; }
    fi
  done
}

temporalpg_write_config() {
  local p=$ALGOTASK_CLUSTER_TEMPORAL_PORT ds
  mkdir -p "$TEMPORALPG_DIR"
  # Task-queue fairness: workflows start with their tenant as fairness key and weight, so that
  # one tenant's burst does not hold back other tenants' workflow and activity tasks either.
  cat >"$TEMPORALPG_DIR/dynamicconfig.yaml" <<'YAML'
matching.enableFairness:
  - value: true
YAML
  {
    echo "# Written by deploy/local/cluster.sh on each start: edit there, not here."
    echo "log: { stdout: true, level: warn }"
    echo "persistence:"
    echo "  defaultStore: default"
    echo "  visibilityStore: visibility"
    echo "  numHistoryShards: $ALGOTASK_CLUSTER_TEMPORAL_SHARDS"
    echo "  datastores:"
    for ds in default:temporal:20 visibility:temporal_visibility:10; do
      IFS=: read -r name db conns <<<"$ds"
      cat <<EOF
    $name:
      sql:
        pluginName: postgres12
        databaseName: $db
        connectAddr: "$H:$ALGOTASK_POSTGRES_PORT"
        connectProtocol: tcp
        user: "$ALGOTASK_DB_USER"
        password: "$ALGOTASK_DB_PASSWORD"
        maxConns: $conns
        maxIdleConns: $conns
        maxConnLifetime: 1h
EOF
    done
    cat <<EOF
global:
  membership: { maxJoinDuration: 30s, broadcastAddress: "$H" }
services:
  frontend: { rpc: { grpcPort: $p, membershipPort: $((p - 300)), bindOnIP: "$H", httpPort: $((p + 10)) } }
  history: { rpc: { grpcPort: $((p + 1)), membershipPort: $((p - 299)), bindOnIP: "$H" } }
  matching: { rpc: { grpcPort: $((p + 2)), membershipPort: $((p - 298)), bindOnIP: "$H" } }
  worker: { rpc: { grpcPort: $((p + 6)), membershipPort: $((p - 294)), bindOnIP: "$H" } }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active: { enabled: true, initialFailoverVersion: 1, rpcName: frontend, rpcAddress: "$H:$p" }
dcRedirectionPolicy: { policy: noop }
dynamicConfigClient: { filepath: "$TEMPORALPG_DIR/dynamicconfig.yaml", pollInterval: 10s }
EOF
  } >"$TEMPORALPG_DIR/config.yaml"
}

temporalpg_start() {
  local deadline=$((SECONDS + ALGOTASK_HEALTH_TIMEOUT))
  until postgres_healthy; do # started beside it by stack up
    ((SECONDS < deadline)) || { err "temporalpg: PostgreSQL did not come up"; return 1; }
    sleep 0.2
  done
  postgres_post_start && temporalpg_schema || return 1
  temporalpg_write_config
  spawn_daemon temporalpg "$TEMPORALPG_DIR" "$GO_TOOLS_BIN/temporal-server" \
    --config-file "$TEMPORALPG_DIR/config.yaml" --allow-no-auth start
}

temporalpg_healthy() {
  "$(temporal_bin)" operator cluster health --address "$H:$ALGOTASK_CLUSTER_TEMPORAL_PORT" \
    --command-timeout 5s >/dev/null 2>&1
}

temporalpg_post_start() {
  temporal_namespace_setup "$H:$ALGOTASK_CLUSTER_TEMPORAL_PORT" "$ALGOTASK_CLUSTER_TEMPORAL_NAMESPACE" \
    "$ALGOTASK_CLUSTER_TEMPORAL_RETENTION"
}

# ----------------------------------------------------------------------------------------------
# temporalui: the Web UI server
# ----------------------------------------------------------------------------------------------
temporalui_ports() { echo "$ALGOTASK_CLUSTER_TEMPORAL_UI_PORT"; }
temporalui_marker() { echo "temporal-ui-server"; }
temporalui_start() {
  local dir=$STACK_DIR/temporalui
  mkdir -p "$dir/config"
  cat >"$dir/config/cluster.yaml" <<EOF
# Written by deploy/local/cluster.sh on each start: edit there, not here.
temporalGrpcAddress: $H:$ALGOTASK_CLUSTER_TEMPORAL_PORT
host: $H
port: $ALGOTASK_CLUSTER_TEMPORAL_UI_PORT
enableUi: true
defaultNamespace: $ALGOTASK_CLUSTER_TEMPORAL_NAMESPACE
disableNewsFetch: true
notifyOnNewVersion: false
cors: { cookieInsecure: true, unsafeAllowAllOrigins: true }
EOF
  spawn_daemon temporalui "$dir" "$GO_TOOLS_BIN/temporal-ui-server" --root "$dir" --env cluster start
}
temporalui_healthy() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$H:$ALGOTASK_CLUSTER_TEMPORAL_UI_PORT/") == 200 ]]
}

# ----------------------------------------------------------------------------------------------
# redis1..redis6: a Redis Cluster, joined once by cluster_redis_join
# ----------------------------------------------------------------------------------------------
redis_node_port() { cluster_port "$ALGOTASK_CLUSTER_REDIS_PORT" "$1"; }
redis_node_start() { # n
  local n=$1 svc=redis$1 dir=$STACK_DIR/redis-cluster/$1 pidf logf
  pidf=$(pid_file "$svc")
  logf=$(svc_log "$svc")
  mkdir -p "$dir"
  rm -f "$pidf"
  # nodes.conf keeps the node's identity and the cluster's layout across restarts
  redis-server --daemonize yes --bind "$H" --port "$(redis_node_port "$n")" --dir "$dir" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 3000 \
    --pidfile "$pidf" --logfile "$logf" --save '' --appendonly no </dev/null >>"$logf" 2>&1
  local deadline=$((SECONDS + 10))
  until [[ -s $pidf ]]; do
    ((SECONDS < deadline)) || { err "$svc: no pid file after 10 s"; return 1; }
    sleep 0.05
  done
}
redis_node_healthy() { [[ $(redis-cli -h "$H" -p "$(redis_node_port "$1")" ping 2>/dev/null) == PONG ]]; }

redis_cluster_nodes() { # space-separated host:port of every node
  local n
  for n in 1 2 3 4 5 6; do printf '%s:%s ' "$H" "$(redis_node_port "$n")"; done
}

redis_cluster_ok() { # node number
  redis-cli -h "$H" -p "$(redis_node_port "$1")" cluster info 2>/dev/null | grep -q '^cluster_state:ok'
}

# Once: three masters with a replica each; after that nodes.conf brings the cluster back.
cluster_redis_join() {
  local n i
  if ! redis-cli -h "$H" -p "$(redis_node_port 1)" cluster info 2>/dev/null | grep -q '^cluster_known_nodes:6'; then
    log "redis: creating the cluster (3 masters, 3 replicas)"
    # shellcheck disable=SC2046 # one argument per node
    redis-cli --cluster create $(redis_cluster_nodes) --cluster-replicas 1 --cluster-yes \
      >>"$(svc_log redis1)" 2>&1 || { err "redis: cluster create failed"; return 1; }
  fi
  for n in 1 2 3 4 5 6; do
    for ((i = 0; i < 300; i++)); do
      redis_cluster_ok "$n" && break
      sleep 0.1
    done
    redis_cluster_ok "$n" || { err "redis$n: cluster state is not ok"; return 1; }
  done
}

# ----------------------------------------------------------------------------------------------
# kafka1..kafka3: three brokers, each also a voter of the KRaft quorum
# ----------------------------------------------------------------------------------------------
KAFKA_CLUSTER_DIR=$STACK_DIR/kafka-cluster
kafka_node_port() { cluster_port "$ALGOTASK_CLUSTER_KAFKA_PORT" "$1"; }
kafka_node_controller_port() { cluster_port "$ALGOTASK_CLUSTER_KAFKA_CONTROLLER_PORT" "$1"; }
kafka_cluster_bootstrap() {
  local n out=""
  for n in 1 2 3; do out+="${out:+,}$H:$(kafka_node_port "$n")"; done
  printf '%s' "$out"
}

kafka_node_start() { # n
  local n=$1 voters="" i
  for i in 1 2 3; do voters+="${voters:+,}$i@$H:$(kafka_node_controller_port "$i")"; done
  kafka_broker_start "kafka$n" "$KAFKA_CLUSTER_DIR/$n" "$n" "$(kafka_node_port "$n")" \
    "$(kafka_node_controller_port "$n")" "$voters" 3 6 384m "$KAFKA_CLUSTER_DIR"
}
kafka_node_healthy() { # n
  port_listening "$(kafka_node_port "$1")" && kafka_api_versions_ok "$(kafka_node_port "$1")"
}

# The six nodes and three brokers share their functions: redis1_start calls redis_node_start 1...
for _n in 1 2 3 4 5 6; do
  eval "redis${_n}_ports() { redis_node_port $_n; }
        redis${_n}_marker() { echo redis-server; }
        redis${_n}_start() { redis_node_start $_n; }
        redis${_n}_healthy() { redis_node_healthy $_n; }"
done
for _n in 1 2 3; do
  eval "kafka${_n}_ports() { echo \$(kafka_node_port $_n) \$(kafka_node_controller_port $_n); }
        kafka${_n}_marker() { echo kafka.Kafka; }
        kafka${_n}_start() { kafka_node_start $_n; }
        kafka${_n}_healthy() { kafka_node_healthy $_n; }"
done
unset _n

# After every server is up: what needs them all.
cluster_stack_post_up() {
  cluster_redis_join
}

cluster_status_endpoints() {
  cat <<EOF

Endpoints of the cluster shape (env ALGOTASK_CLUSTER_*):
  Temporal   $H:$ALGOTASK_CLUSTER_TEMPORAL_PORT (on PostgreSQL, $ALGOTASK_CLUSTER_TEMPORAL_SHARDS history shards)  namespace $ALGOTASK_CLUSTER_TEMPORAL_NAMESPACE   Web UI http://$H:$ALGOTASK_CLUSTER_TEMPORAL_UI_PORT
  Postgres   postgresql://$ALGOTASK_DB_USER:$ALGOTASK_DB_PASSWORD@$H:$ALGOTASK_POSTGRES_PORT/$ALGOTASK_CLUSTER_DB_NAME   (Temporal: temporal, temporal_visibility)
  Redis      Cluster: $(redis_cluster_nodes)
  Kafka      $(kafka_cluster_bootstrap)   (replication factor 3, min.insync.replicas 2)
  S3         http://$H:$ALGOTASK_S3PROXY_PORT
  State      $STACK_DIR   (logs: ./algotask stack logs [service])
EOF
}

# ----------------------------------------------------------------------------------------------
# The apps: two worker-apps and two api-apps on the cluster shape, nginx in front of the api-apps
# ----------------------------------------------------------------------------------------------
api_node_port() { echo $((ALGOTASK_CLUSTER_APP_PORT + $1 - 1)); }          # api1 8471
worker_node_port() { echo $((ALGOTASK_CLUSTER_APP_PORT + 9 + $1)); }       # worker1 8481

# What the apps of the cluster shape are told beyond the local profile: the cluster's addresses,
# their own database, and the proxy as the address algorithm services call back.
redis_cluster_uris() {
  local n nodes=""
  for n in 1 2 3 4 5 6; do nodes+="${nodes:+,}redis://$H:$(redis_node_port "$n")"; done
  printf '%s' "$nodes"
}

cluster_app_arguments() {
  printf '%s\n' \
    "--spring.temporal.connection.target=$H:$ALGOTASK_CLUSTER_TEMPORAL_PORT" \
    "--spring.temporal.namespace=$ALGOTASK_CLUSTER_TEMPORAL_NAMESPACE" \
    "--spring.kafka.bootstrap-servers=$(kafka_cluster_bootstrap)" \
    "--algotask.redis.cluster-nodes=$(redis_cluster_uris)" \
    "--algotask.local.database=$ALGOTASK_CLUSTER_DB_NAME" \
    "--algotask.callback.base-url=http://$H:$ALGOTASK_CLUSTER_API_PORT" \
    "--algotask.topics.replication-factor=3" \
    "--algotask.topics.min-insync-replicas=2" \
    "--algotask.topics.partitions=6"
}

cluster_app_start() { # svc jar port management-port [more arguments...]
  local svc=$1 jar=$STACK_DIR/cluster-apps/$1.jar port=$3 mport=$4
  local -a args
  # Each instance runs a copy of its own, taken as it starts: the tests of the cluster shape build
  # the apps again (rewriting target/) while these run.
  mkdir -p "$STACK_DIR/cluster-apps"
  cp "$2" "$jar"
  shift 4
  mapfile -t args < <(cluster_app_arguments)
  # shellcheck disable=SC2086 # word splitting of the JVM options is intended
  spawn_daemon "$svc" "$ALGOTASK_ROOT" "$ALGOTASK_JAVA" $ALGOTASK_APP_JAVA_OPTS -jar "$jar" \
    --spring.profiles.active="$ALGOTASK_APP_PROFILES" --server.port="$port" \
    --management.server.port="$mport" "${args[@]}" "$@"
}

for _n in 1 2; do
  eval "worker${_n}_ports() { echo \$(worker_node_port $_n) \$((\$(worker_node_port $_n) + 100)); }
        worker${_n}_marker() { echo cluster-apps/worker$_n.jar; }
        worker${_n}_start() { cluster_app_start worker$_n \"\$(worker_jar)\" \$(worker${_n}_ports); }
        worker${_n}_healthy() { app_health_up \$((\$(worker_node_port $_n) + 100)); }
        api${_n}_ports() { echo \$(api_node_port $_n) \$((\$(api_node_port $_n) + 1000)) \$((\$(api_node_port $_n) + 100)); }
        api${_n}_marker() { echo cluster-apps/api$_n.jar; }
        api${_n}_start() { cluster_app_start api$_n \"\$(api_jar)\" \$(api_node_port $_n) \$((\$(api_node_port $_n) + 100)) \\
          --spring.grpc.server.port=\$((\$(api_node_port $_n) + 1000)); }
        api${_n}_healthy() { app_health_up \$((\$(api_node_port $_n) + 100)); }"
done
unset _n

PROXY_DIR=$STACK_DIR/proxy
proxy_ports() { echo "$ALGOTASK_CLUSTER_API_PORT $ALGOTASK_CLUSTER_API_GRPC_PORT"; }
proxy_marker() { echo "nginx"; }
proxy_start() {
  mkdir -p "$PROXY_DIR/tmp"
  local user_line=""
  # as root, nginx's workers would switch to nobody, who cannot write its temp folders here
  ! is_root || user_line="user root;"
  cat >"$PROXY_DIR/nginx.conf" <<EOF
# Written by deploy/local/cluster.sh on each start: edit there, not here.
$user_line
worker_processes 1;
pid $PROXY_DIR/nginx.pid;
error_log $(svc_log proxy) warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $PROXY_DIR/tmp/body;
  proxy_temp_path $PROXY_DIR/tmp/proxy;
  fastcgi_temp_path $PROXY_DIR/tmp/fastcgi;
  uwsgi_temp_path $PROXY_DIR/tmp/uwsgi;
  scgi_temp_path $PROXY_DIR/tmp/scgi;
  client_max_body_size 1m;
  # a down api-app is skipped for 5 s; a request it dropped goes to the other (task submissions
  # and callbacks are idempotent, so a retried POST is safe)
  upstream api_http {
    server $H:$(api_node_port 1) max_fails=1 fail_timeout=5s;
    server $H:$(api_node_port 2) max_fails=1 fail_timeout=5s;
    keepalive 16;
  }
  upstream api_grpc {
    server $H:$(($(api_node_port 1) + 1000)) max_fails=1 fail_timeout=5s;
    server $H:$(($(api_node_port 2) + 1000)) max_fails=1 fail_timeout=5s;
  }
  server {
    listen $H:$ALGOTASK_CLUSTER_API_PORT;
    location / {
      proxy_pass http://api_http;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_connect_timeout 2s;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }
  }
  server {
    listen $H:$ALGOTASK_CLUSTER_API_GRPC_PORT http2;
    location / {
      grpc_pass grpc://api_grpc;
      grpc_connect_timeout 2s;
      grpc_next_upstream error timeout http_502 http_503 non_idempotent;
    }
  }
}
EOF
  spawn_daemon proxy "$PROXY_DIR" nginx -p "$PROXY_DIR" -c "$PROXY_DIR/nginx.conf" -g 'daemon off;'
}
proxy_healthy() { # answers, and reaches an api-app's business port (its readiness probe)
  curl -fsS --max-time 3 "http://$H:$ALGOTASK_CLUSTER_API_PORT/actuator/health/readiness" >/dev/null 2>&1
}

# Where the cluster shape's servers are, for the bench; its apps get the same settings as the
# launcher's (their addresses are the bench's own).
cluster_bench_arguments() {
  printf '%s\n' --kafka="$(kafka_cluster_bootstrap)" --temporal="$H:$ALGOTASK_CLUSTER_TEMPORAL_PORT" \
    --namespace="$ALGOTASK_CLUSTER_TEMPORAL_NAMESPACE" \
    --jdbc-url="jdbc:postgresql://$H:$ALGOTASK_POSTGRES_PORT/$ALGOTASK_CLUSTER_DB_NAME" \
    --redis-cluster-nodes="$(redis_cluster_uris)" \
    --stack-services="$(IFS=,; echo "${CLUSTER_STACK_SERVICES[*]}")" \
    --stack="the cluster shape (Temporal server on PostgreSQL with 4 history shards, a Redis Cluster of 3 masters and 3 replicas, 3 Kafka brokers, PostgreSQL, S3Proxy)" \
    --app-arg=--algotask.topics.replication-factor=3 --app-arg=--algotask.topics.min-insync-replicas=2 \
    --app-arg=--algotask.topics.partitions=6
}

cluster_apps_endpoints() {
  cat <<EOF

  proxy (nginx)  HTTP and callbacks http://$H:$ALGOTASK_CLUSTER_API_PORT   gRPC $H:$ALGOTASK_CLUSTER_API_GRPC_PORT
  api1, api2     HTTP $(api_node_port 1), $(api_node_port 2)   health http://$H:$(($(api_node_port 1) + 100))/actuator/health, :$(($(api_node_port 2) + 100))
  worker1, 2     health http://$H:$(($(worker_node_port 1) + 100))/actuator/health, :$(($(worker_node_port 2) + 100))
  ocr            http://$H:$ALGOTASK_OCR_PORT/health
  sample         http://$H:$ALGOTASK_SAMPLE_PORT/stats
  Temporal Web UI  http://$H:$ALGOTASK_CLUSTER_TEMPORAL_UI_PORT/namespaces/$ALGOTASK_CLUSTER_TEMPORAL_NAMESPACE
EOF
}

# The sum of a Prometheus metric's series whose line matches a filter, from one app's actuator.
prometheus_sum() { # management-port metric [filter]
  curl -fsS --max-time 3 "http://$H:$1/actuator/prometheus" 2>/dev/null |
    awk -v m="$2" -v f="${3:-}" 'index($0, m "{") == 1 && index($0, f) { s += $NF } END { printf "%d", s }'
}

# Which instance did what since it started: both worker-apps and both api-apps take work. (Kafka
# reports a topic's consumption twice, under its name and with dots as underscores: one is read.)
cluster_spread_report() {
  local n wm am
  # the Temporal SDK hands its counters to the apps' metrics every 10 s
  log "waiting 11 s for the apps' last report of the Temporal SDK's metrics"
  sleep 11
  log "work per instance (from each app's Prometheus metrics, counted since it started):"
  for n in 1 2; do
    wm=$(($(worker_node_port "$n") + 100))
    am=$(($(api_node_port "$n") + 100))
    printf '  worker%s: %s invocations sent, %s task ends recorded | api%s: %s task records taken from Kafka, %s callbacks answered\n' \
      "$n" "$(prometheus_sum "$wm" temporal_local_activity_total 'activity_type="AlgorithmInvoke"')" \
      "$(prometheus_sum "$wm" temporal_local_activity_total 'activity_type="TaskEndAndPublish"')" \
      "$n" "$(prometheus_sum "$am" kafka_consumer_fetch_manager_records_consumed_total 'topic="algotask.task.requests"')" \
      "$(prometheus_sum "$am" http_server_requests_seconds_count '/callback"')"
  done
}

# the tests of the cluster shape read where its Kafka is
ALGOTASK_CLUSTER_KAFKA_BOOTSTRAP=$(kafka_cluster_bootstrap)
export ALGOTASK_CLUSTER_KAFKA_BOOTSTRAP
