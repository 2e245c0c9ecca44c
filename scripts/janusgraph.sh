#!/usr/bin/env bash
# Fetches the JanusGraph Server jars and starts/stops one server per run dir, by PID.
#
#   scripts/janusgraph.sh fetch
#   scripts/janusgraph.sh start [--port P] [--backend inmemory|berkeleyje] [--data DIR] [--run-dir DIR]
#   scripts/janusgraph.sh stop  [--port P] [--run-dir DIR]
#   scripts/janusgraph.sh status [--port P] [--run-dir DIR]
#
# Each run dir gets its own conf/ (yaml and properties rewritten for its port, backend and
# data dir) and scripts/, so several servers can run side by side. The server's PID is kept
# in <run-dir>/janusgraph.pid and its output in <run-dir>/janusgraph.log. Nothing is ever
# killed by name. JANUSGRAPH_START_TIMEOUT (seconds, default 180) bounds the wait.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOME_DIR="$HERE/janusgraph"
LIB_DIR="$HOME_DIR/lib"
MAIN_CLASS=org.janusgraph.graphdb.server.JanusGraphServer

die() { echo "janusgraph.sh: $*" >&2; exit 1; }

usage() {
  sed -n '4,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,3\}//' >&2
  exit 2
}

fetch() {
  if compgen -G "$LIB_DIR/janusgraph-server-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found; it is needed once to fetch the jars"
  echo "fetching JanusGraph Server jars into $LIB_DIR ..." >&2
  (cd "$HOME_DIR" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime)
}

port=8182
backend=inmemory
data_dir=""
run_dir=""

parse_options() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) port="${2:?--port needs a value}"; shift 2 ;;
      --backend) backend="${2:?--backend needs a value}"; shift 2 ;;
      --data) data_dir="${2:?--data needs a value}"; shift 2 ;;
      --run-dir) run_dir="${2:?--run-dir needs a value}"; shift 2 ;;
      -h|--help) usage ;;
      *) die "unknown option: $1" ;;
    esac
  done
  [[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number: $port"
  case "$backend" in inmemory|berkeleyje) ;; *) die "--backend must be inmemory or berkeleyje" ;; esac
  run_dir="$(realpath -m "${run_dir:-$HOME_DIR/run/$port}")"
  pid_file="$run_dir/janusgraph.pid"
  log_file="$run_dir/janusgraph.log"
}

# The PID from the pid file, only if that process is still our JanusGraph server: a PID
# reused by an unrelated process after a crash must never be signalled.
live_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN_CLASS" || return 1
  echo "$pid"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_run_conf() {
  local conf="$run_dir/conf" properties
  mkdir -p "$conf" "$run_dir/scripts"
  cp "$HOME_DIR/conf/jvm17.args" "$HOME_DIR/conf/log4j2-server.xml" "$conf/"
  cp "$HOME_DIR/scripts/"*.groovy "$run_dir/scripts/"
  properties="janusgraph-$backend.properties"
  if [ "$backend" = berkeleyje ]; then
    data_dir="${data_dir:-$run_dir/data}"
    mkdir -p "$data_dir"
    data_dir="$(cd "$data_dir" && pwd)"
    # An absolute path, so the data dir is wherever the caller said, not beside the conf.
    sed "s|^storage.directory=.*|storage.directory=$data_dir|" \
      "$HOME_DIR/conf/$properties" >"$conf/$properties"
  else
    cp "$HOME_DIR/conf/$properties" "$conf/$properties"
  fi
  sed -e "s|^port:.*|port: $port|" \
      -e "s|^\(  graph: \)conf/janusgraph-[a-z]*\.properties|\1conf/$properties|" \
      "$HOME_DIR/conf/janusgraph-server.yaml" >"$conf/janusgraph-server.yaml"
  grep -q "^port: $port\$" "$conf/janusgraph-server.yaml" || die "could not set the port"
  grep -q "graph: conf/$properties" "$conf/janusgraph-server.yaml" || die "could not set the graph"
}

answers_query() {
  curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' \
    -d '{"gremlin":"g.V().limit(1).count()"}' "http://127.0.0.1:$port/" >/dev/null 2>&1
}

start() {
  local pid timeout waited=0
  if pid="$(live_pid)"; then
    die "a server from $run_dir is already running (pid $pid)"
  fi
  port_in_use "$port" && die "port $port is already in use"
  fetch
  write_run_conf
  command -v java >/dev/null || die "java not found (Java 17 is expected)"
  : >"$log_file"
  # Working dir = run dir: the yaml and the init script name paths relative to it. setsid
  # (which execs in place here, keeping the PID) detaches java from the caller's terminal
  # signals, so only `stop` ends it.
  (
    cd "$run_dir"
    exec setsid java @conf/jvm17.args -cp "$LIB_DIR/*" "$MAIN_CLASS" conf/janusgraph-server.yaml
  ) </dev/null >>"$log_file" 2>&1 &
  pid=$!
  echo "$pid" >"$pid_file"

  timeout="${JANUSGRAPH_START_TIMEOUT:-180}"
  # A listening port is not enough: the graph may have failed to open, so ask a real query.
  until answers_query; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      tail -n 80 "$log_file" >&2
      die "JanusGraph exited during start-up (log: $log_file)"
    fi
    if [ "$waited" -ge "$timeout" ]; then
      tail -n 80 "$log_file" >&2
      stop_pid "$pid"
      die "JanusGraph did not answer within ${timeout}s (log: $log_file)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "JanusGraph ($backend) ready on ws://127.0.0.1:$port/gremlin (pid $pid, run dir $run_dir)"
}

stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  # TERM runs Gremlin Server's shutdown hook, which closes the graph (BerkeleyJE flushes).
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "janusgraph.sh: pid $pid ignored TERM for 60s; sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$pid_file"
}

stop() {
  local pid
  if pid="$(live_pid)"; then
    stop_pid "$pid"
    echo "JanusGraph (pid $pid) stopped"
  else
    rm -f "$pid_file"
    echo "no JanusGraph running from $run_dir"
  fi
}

status() {
  local pid
  if pid="$(live_pid)"; then
    echo "running (pid $pid, run dir $run_dir)"
  else
    echo "not running (run dir $run_dir)"
    return 1
  fi
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  fetch) [ $# -eq 0 ] || usage; fetch ;;
  start) parse_options "$@"; start ;;
  stop) parse_options "$@"; stop ;;
  status) parse_options "$@"; status ;;
  *) usage ;;
esac
