#!/usr/bin/env bash
# The runbook's tools/preflight/compatibility_audit.sh (section 3.1), for side-by-side timing only.
# One change: a failed check does not exit, so that it runs the same four probes Preflight runs
# (the original stops at the first failure and would time less work).
set -uo pipefail

REQUIRED_PHP="8.3"
REQUIRED_NODE="20"
REQUIRED_MYSQL="8.0.36"
REQUIRED_REDIS="7"

function check_version() {
  local name="$1" required="$2" current="$3"
  if [[ "$current" != *"$required"* ]]; then
    echo "[FAIL] $name version $current (requires $required)" >&2
    return 0
  fi
  echo "[OK] $name version $current"
}

check_version "PHP" "$REQUIRED_PHP" "$(php -v | head -n1)"
check_version "Node" "$REQUIRED_NODE" "$(node -v)"
check_version "MySQL" "$REQUIRED_MYSQL" "$(mysql -V)"
check_version "Redis" "$REQUIRED_REDIS" "$(redis-server -v)"
