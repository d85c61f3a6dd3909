#!/usr/bin/env bash
# npm run test:engine: the real-engine tests. Builds what they need (cached under
# ~/.cache/webcluster), starts a Docker engine of their own, runs test/engine/*.engine.test.ts
# (validate the Docker stacks; apply, converge, fault-test and tear down shopware-docker and
# shopware-swarm) and stops the engine by its pid, whatever happened. Prints each stage's time.
#
# Needs: Go, Node, Debian's docker.io, debootstrap, shellcheck and iproute2, root (for dockerd and the
# network namespace); Terraform on PATH or Go to build OpenTofu. Environment: WEBCLUSTER_PROVIDER_SOURCES
# (scripts/engine/providers.sh), WEBCLUSTER_ENGINE_NETNS (the tests' network namespace, default
# webcluster-engine; empty: none), WEBCLUSTER_ENGINE_HOST (use an engine you run instead of starting
# one), WEBCLUSTER_CACHE.
# Extra arguments go to jest (e.g. a test file to run only that one).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

started=$SECONDS
stage_start=$SECONDS
stage() {
  local now=$SECONDS
  if [ -n "${stage_name:-}" ]; then printf '== test:engine stage %-10s %4d s\n' "$stage_name" "$((now - stage_start))"; fi
  stage_name=$1 stage_start=$now
}

for tool in go node docker dockerd debootstrap shellcheck ip; do
  if [ "$tool" = dockerd ] && [ -n "${WEBCLUSTER_ENGINE_HOST:-}" ]; then continue; fi
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (Debian: apt-get install docker.io debootstrap shellcheck iproute2; Go and Node from your distribution)"
done

stage terraform
WEBCLUSTER_TERRAFORM=$(bash scripts/engine/terraform.sh)
export WEBCLUSTER_TERRAFORM
log "terraform: $WEBCLUSTER_TERRAFORM ($("$WEBCLUSTER_TERRAFORM" version 2>/dev/null | grep -m1 -E "^(Terraform|OpenTofu) v"))"

stage providers
config=$(bash scripts/engine/providers.sh)
if [ -n "$config" ]; then export TF_CLI_CONFIG_FILE="$config"; fi

stage build
node scripts/build.js

stage images
# Built with an engine that can reach the Debian mirror; stopped once the images are there.
DOCKER_HOST=$(WEBCLUSTER_ENGINE_NETNS='' bash scripts/engine/dockerd.sh start)
export DOCKER_HOST
trap 'bash scripts/engine/dockerd.sh stop' EXIT
bash scripts/engine/images.sh
WEBCLUSTER_ENGINE_NETNS='' bash scripts/engine/dockerd.sh stop

stage engine
# The tests' engine runs in a network namespace of its own: what the stacks publish (Swarm's
# host-mode ports bind every address) is reachable only from inside it, where the tests run.
# (An engine of your own, WEBCLUSTER_ENGINE_HOST, is used as it is.)
if [ -n "${WEBCLUSTER_ENGINE_HOST:-}" ]; then WEBCLUSTER_ENGINE_NETNS=''; fi
export WEBCLUSTER_ENGINE_NETNS="${WEBCLUSTER_ENGINE_NETNS-webcluster-engine}"
DOCKER_HOST=$(bash scripts/engine/dockerd.sh start)
in_netns=()
if [ -n "$WEBCLUSTER_ENGINE_NETNS" ]; then in_netns=(nsenter "--net=/run/netns/$WEBCLUSTER_ENGINE_NETNS"); fi

stage tests
status=0
"${in_netns[@]}" npx jest --config jest.engine.config.js "$@" || status=$?
stage finished
printf '== test:engine total %d s\n' "$((SECONDS - started))"
exit "$status"
