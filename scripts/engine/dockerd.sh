#!/usr/bin/env bash
# Starts or stops a Docker engine of the real-engine tests, separate from any engine of the machine:
# its own socket, state and data root, so images built once stay cached between runs.
#
# Usage: scripts/engine/dockerd.sh start   (prints the DOCKER_HOST to use; waits until it answers)
#        scripts/engine/dockerd.sh stop    (stops the engine this script started, by its pid)
# With WEBCLUSTER_ENGINE_NETNS=<name> the engine runs in a network namespace of that name, created
# here (loopback only) and deleted on stop: whatever it publishes, on any address, is reachable only
# from inside that namespace (run the clients with `nsenter --net=/run/netns/<name> ...`); it can reach no
# network outside it, so build images with an engine started without it.
# With WEBCLUSTER_ENGINE_HOST set (e.g. unix:///var/run/docker.sock), that engine is used instead
# and nothing is started or stopped.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

run="${WEBCLUSTER_ENGINE_RUN:-/run/webcluster-engine}"
sock="$run/docker.sock"
pidfile="$run/dockerd.pid"

case "${1:-}" in
  start)
    if [ -n "${WEBCLUSTER_ENGINE_HOST:-}" ]; then
      log "using the engine at $WEBCLUSTER_ENGINE_HOST (WEBCLUSTER_ENGINE_HOST)"
      echo "$WEBCLUSTER_ENGINE_HOST"
      exit 0
    fi
    command -v dockerd >/dev/null 2>&1 || die "dockerd is not installed; install Debian's docker.io (apt-get install docker.io) or set WEBCLUSTER_ENGINE_HOST to an engine you run"
    [ "$(id -u)" = 0 ] || die "dockerd needs root; run as root or set WEBCLUSTER_ENGINE_HOST to an engine you run"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      die "an engine of an earlier run is still running (pid $(cat "$pidfile")); stop it with: $0 stop"
    fi
    mkdir -p "$run" "$WEBCLUSTER_CACHE/docker"
    in_netns=()
    if [ -n "${WEBCLUSTER_ENGINE_NETNS:-}" ]; then
      command -v ip >/dev/null 2>&1 || die "ip (iproute2) is not installed; it creates the network namespace WEBCLUSTER_ENGINE_NETNS"
      ip netns list | grep -qw "$WEBCLUSTER_ENGINE_NETNS" || ip netns add "$WEBCLUSTER_ENGINE_NETNS"
      ip netns exec "$WEBCLUSTER_ENGINE_NETNS" ip link set lo up
      # nsenter switches the network namespace only (`ip netns exec` also remounts /sys, hiding the cgroups).
      in_netns=(nsenter "--net=/run/netns/$WEBCLUSTER_ENGINE_NETNS")
    fi
    # The test engine keeps its images under the cache; its exec state is per run.
    # --ip: ports published without a host address bind to 127.0.0.1 (Swarm's host-mode ports do
    # not follow it: they bind every address, hence the network namespace for the tests).
    # As Debian's docker.service (LimitNOFILE=1048576), where the machine lets us raise the hard
    # limit: runc cannot give a container more open files than the engine's own hard limit, and the
    # tests size the data stores' nofile by it (test/engine/config.ts).
    if ! ulimit -Hn 1048576 2>/dev/null; then
      log "open files: the hard limit stays $(ulimit -Hn) (raising it needs CAP_SYS_RESOURCE); the tests ask for no more"
    fi
    ulimit -Sn "$(ulimit -Hn)"
    "${in_netns[@]}" dockerd --host "unix://$sock" --data-root "$WEBCLUSTER_CACHE/docker" --exec-root "$run/exec" --ip 127.0.0.1 \
      --pidfile "$run/dockerd.internal.pid" >"$run/dockerd.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 60); do
      if docker -H "unix://$sock" version >/dev/null 2>&1; then
        log "engine $(docker -H "unix://$sock" version --format '{{.Server.Version}}') up (pid $(cat "$pidfile"), ${WEBCLUSTER_ENGINE_NETNS:+network namespace $WEBCLUSTER_ENGINE_NETNS, }log $run/dockerd.log)"
        echo "unix://$sock"
        exit 0
      fi
      kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -20 "$run/dockerd.log" >&2; die "dockerd exited during start (log above)"; }
      sleep 1
    done
    tail -20 "$run/dockerd.log" >&2
    die "dockerd did not answer within 60 s (log above)"
    ;;
  stop)
    [ -z "${WEBCLUSTER_ENGINE_HOST:-}" ] || exit 0
    [ -f "$pidfile" ] || exit 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      if kill -0 "$pid" 2>/dev/null; then log "dockerd $pid did not stop in 30 s: killing it"; kill -9 "$pid"; fi
      log "engine stopped (pid $pid)"
    fi
    rm -f "$pidfile"
    if [ -n "${WEBCLUSTER_ENGINE_NETNS:-}" ] && ip netns list | grep -qw "$WEBCLUSTER_ENGINE_NETNS"; then
      ip netns del "$WEBCLUSTER_ENGINE_NETNS"
      log "network namespace $WEBCLUSTER_ENGINE_NETNS deleted"
    fi
    ;;
  *) die "usage: $0 start|stop" ;;
esac
