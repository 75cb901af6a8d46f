#!/bin/sh
# Run every policy of this directory against a JSON plan; exit 1 if any denies it.
#   examples/policy/gate.sh plan.json            (MAX_CHANGES defaults to 50)
set -eu
plan=${1:?usage: gate.sh PLAN.json}
dir=$(dirname "$0")
failed=0
for policy in "$dir"/*.jq; do
    denials=$(jq -r --argjson max_changes "${MAX_CHANGES:-50}" -f "$policy" "$plan" | jq -r '.[]')
    if [ -n "$denials" ]; then
        printf '%s: %s\n' "$(basename "$policy" .jq)" "$denials" >&2
        failed=1
    fi
done
exit "$failed"
