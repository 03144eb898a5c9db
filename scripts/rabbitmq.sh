#!/usr/bin/env bash
# A private, throw-away RabbitMQ node for the test suite.
#
#   scripts/rabbitmq.sh start        starts a node on free loopback ports in its own temp directory and
#                                    prints shell assignments (eval them) for the tests:
#                                      LICENCEOPS_TEST_RABBITMQ=amqp://guest:guest@127.0.0.1:PORT/
#                                      LICENCEOPS_RABBITMQ_DIR=/tmp/licenceops-rabbitmq.XXXXXX
#   scripts/rabbitmq.sh stop [DIR]   stops that node and removes its directory
#                                    (DIR defaults to $LICENCEOPS_RABBITMQ_DIR)
#   scripts/rabbitmq.sh pause DIR    stops the node but keeps its directory (queues, bindings, messages)
#   scripts/rabbitmq.sh resume DIR   starts a paused node again, same name and ports: a broker outage drill
#                                    (tests/LicenceOps.IntegrationTests/Messaging/BrokerOutageTests.cs)
#
# Nothing of the machine's own RabbitMQ (/etc/rabbitmq, /var/lib/rabbitmq, its cookie) is read or
# changed: every path, the node name, the ports and the Erlang cookie belong to the temp directory.
# Progress goes to stderr; stdout carries only the assignments.
set -euo pipefail

readonly RABBIT_BIN=/usr/lib/rabbitmq/bin
readonly START_TIMEOUT_SECONDS=${LICENCEOPS_RABBITMQ_START_TIMEOUT:-90}

log() { printf 'rabbitmq.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

require_rabbitmq() {
    [[ -x "$RABBIT_BIN/rabbitmq-server" ]] ||
        die "RabbitMQ is not installed ($RABBIT_BIN/rabbitmq-server missing); on Debian/Ubuntu: apt-get install -y rabbitmq-server (scripts/test.sh does it when run as root)"
    command -v erl >/dev/null || die "erl (Erlang) not found on PATH"
}

# A free TCP port on 127.0.0.1, asked from the kernel (bind to port 0). Erlang is already
# there with RabbitMQ, so this needs no other tool.
free_port() {
    erl -noshell -eval '{ok,S}=gen_tcp:listen(0,[{ip,{127,0,0,1}},{reuseaddr,false}]),{ok,P}=inet:port(S),io:format("~b~n",[P]),halt().'
}

# The Debian package's wrapper always switches to the `rabbitmq` user; we call the real scripts
# ourselves so that our environment reaches them, and we switch user only when running as root
# (a broker has no business running as root).
broker_user() {
    if [[ $(id -u) -eq 0 ]] && id -u rabbitmq >/dev/null 2>&1; then echo rabbitmq; else id -un; fi
}

# Runs a RabbitMQ command as the broker user with the private node's environment.
# Needs DIR, NODE, AMQP_PORT, DIST_PORT, RUN_USER set.
in_node_env() {
    local -a vars=(
        HOME="$DIR"                                    # .erlang.cookie lives here, for server and CLI alike
        RABBITMQ_NODENAME="$NODE"
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
        RABBITMQ_NODE_PORT="$AMQP_PORT"
        RABBITMQ_DIST_PORT="$DIST_PORT"
        RABBITMQ_MNESIA_BASE="$DIR/mnesia"
        RABBITMQ_LOG_BASE="$DIR/log"
        RABBITMQ_PID_FILE="$DIR/rabbit.pid"
        RABBITMQ_CONFIG_FILE="$DIR/rabbitmq.conf"
        RABBITMQ_ADVANCED_CONFIG_FILE="$DIR/advanced.config"
        RABBITMQ_CONF_ENV_FILE="$DIR/rabbitmq-env.conf"
        RABBITMQ_FEATURE_FLAGS_FILE="$DIR/feature_flags"
        RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins"
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
        ERL_EPMD_ADDRESS=127.0.0.1
    )
    if [[ "$RUN_USER" == "$(id -un)" ]]; then
        (cd "$DIR" && env "${vars[@]}" "$@")
    else
        (cd "$DIR" && runuser -u "$RUN_USER" -- env "${vars[@]}" "$@")
    fi
}

node_is_up() {
    in_node_env "$RABBIT_BIN/rabbitmq-diagnostics" -q -n "$NODE" ping --timeout 5 >/dev/null 2>&1
}

start() {
    require_rabbitmq
    RUN_USER=$(broker_user)
    # /tmp rather than $TMPDIR: the broker user must be able to reach the directory.
    DIR=$(mktemp -d /tmp/licenceops-rabbitmq.XXXXXX)
    NODE="licenceops-test-$$@localhost"
    AMQP_PORT=$(free_port)
    DIST_PORT=$(free_port)
    while [[ "$DIST_PORT" == "$AMQP_PORT" ]]; do DIST_PORT=$(free_port); done

    # Erlang's port mapper outlives the node; stop() ends it only if this start brought it up.
    local epmd_was_running=no
    epmd -names >/dev/null 2>&1 && epmd_was_running=yes

    mkdir -p "$DIR/mnesia" "$DIR/log"
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DIR/.erlang.cookie"
    chmod 400 "$DIR/.erlang.cookie"
    printf '[].\n' >"$DIR/enabled_plugins"
    : >"$DIR/rabbitmq-env.conf"
    cat >"$DIR/rabbitmq.conf" <<'CONF'
# Private test node: loopback only, guest allowed from localhost (the default), small disk floor.
loopback_users.guest = true
disk_free_limit.absolute = 50MB
log.console = false
log.file.level = info
CONF
    cat >"$DIR/state" <<STATE
NODE='$NODE'
AMQP_PORT='$AMQP_PORT'
DIST_PORT='$DIST_PORT'
RUN_USER='$RUN_USER'
EPMD_WAS_RUNNING='$epmd_was_running'
STATE
    [[ "$RUN_USER" == "$(id -un)" ]] || chown -R "$RUN_USER:$RUN_USER" "$DIR"

    log "starting node $NODE (AMQP 127.0.0.1:$AMQP_PORT, distribution $DIST_PORT, user $RUN_USER, dir $DIR)"
    # setsid + every standard stream redirected: the broker must not hold the caller's terminal
    # or pipes (a `$(scripts/rabbitmq.sh start)` would otherwise never return).
    in_node_env setsid "$RABBIT_BIN/rabbitmq-server" </dev/null >"$DIR/console.log" 2>&1 &
    local launcher=$!

    local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
    until node_is_up; do
        if ! kill -0 "$launcher" 2>/dev/null; then
            log "the broker exited during start-up; last lines of its output:"
            tail -n 40 "$DIR/console.log" >&2 || true
            rm -rf "$DIR"
            exit 1
        fi
        if ((SECONDS >= deadline)); then
            log "the node did not answer within ${START_TIMEOUT_SECONDS}s; last lines of its output:"
            tail -n 40 "$DIR/console.log" >&2 || true
            stop_dir "$DIR"
            exit 1
        fi
        sleep 1
    done
    in_node_env "$RABBIT_BIN/rabbitmqctl" -q -n "$NODE" await_startup --timeout "$START_TIMEOUT_SECONDS" >&2 ||
        { log "await_startup failed"; stop_dir "$DIR"; exit 1; }
    log "node $NODE is up"

    printf "LICENCEOPS_TEST_RABBITMQ='amqp://guest:guest@127.0.0.1:%s/'\n" "$AMQP_PORT"
    printf "LICENCEOPS_RABBITMQ_DIR='%s'\n" "$DIR"
}

stop_dir() {
    DIR=$1
    [[ -f "$DIR/state" ]] || die "$DIR is not a directory made by 'scripts/rabbitmq.sh start'"
    # shellcheck source=/dev/null
    . "$DIR/state"
    log "stopping node $NODE"
    # With the pid file, `stop` returns only once the VM has exited.
    if ! in_node_env "$RABBIT_BIN/rabbitmqctl" -q -n "$NODE" stop "$DIR/rabbit.pid" >/dev/null 2>&1; then
        # Not reachable: end the node's Erlang VM by the pid it wrote, if any.
        if [[ -s "$DIR/rabbit.pid" ]]; then
            local pid
            pid=$(cat "$DIR/rabbit.pid")
            log "rabbitmqctl stop failed; sending TERM to pid $pid"
            kill "$pid" 2>/dev/null || true
            local waited=0
            while kill -0 "$pid" 2>/dev/null && ((waited < 15)); do sleep 1; waited=$((waited + 1)); done
            if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
        fi
    fi
    rm -rf "$DIR"
    # Refused by epmd itself while other nodes are registered, so it never breaks another broker.
    if [[ "${EPMD_WAS_RUNNING:-yes}" == no ]]; then epmd -kill >/dev/null 2>&1 || true; fi
}

pause_node() {
    DIR=$1
    [[ -f "$DIR/state" ]] || die "$DIR is not a directory made by 'scripts/rabbitmq.sh start'"
    # shellcheck source=/dev/null
    . "$DIR/state"
    log "pausing node $NODE (data kept in $DIR)"
    in_node_env "$RABBIT_BIN/rabbitmqctl" -q -n "$NODE" stop "$DIR/rabbit.pid" >/dev/null 2>&1 || die "could not stop $NODE"
}

resume_node() {
    DIR=$1
    [[ -f "$DIR/state" ]] || die "$DIR is not a directory made by 'scripts/rabbitmq.sh start'"
    # shellcheck source=/dev/null
    . "$DIR/state"
    log "resuming node $NODE on AMQP port $AMQP_PORT"
    in_node_env setsid "$RABBIT_BIN/rabbitmq-server" </dev/null >>"$DIR/console.log" 2>&1 &
    local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
    until node_is_up; do
        ((SECONDS < deadline)) || die "the node did not answer within ${START_TIMEOUT_SECONDS}s after resume"
        sleep 1
    done
    in_node_env "$RABBIT_BIN/rabbitmqctl" -q -n "$NODE" await_startup --timeout "$START_TIMEOUT_SECONDS" >&2 || die "await_startup failed"
    log "node $NODE is up again"
}

case "${1:-}" in
    start) start ;;
    pause) [[ -n "${2:-}" ]] || die "usage: $0 pause DIR"; pause_node "$2" ;;
    resume) [[ -n "${2:-}" ]] || die "usage: $0 resume DIR"; resume_node "$2" ;;
    stop)
        target=${2:-${LICENCEOPS_RABBITMQ_DIR:-}}
        [[ -n "$target" ]] || die "usage: $0 stop DIR (or set LICENCEOPS_RABBITMQ_DIR)"
        stop_dir "$target"
        ;;
    *) die "usage: $0 start | stop [DIR] | pause DIR | resume DIR" ;;
esac
