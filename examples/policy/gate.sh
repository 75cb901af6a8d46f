#!/bin/sh
# Run every policy of this directory against a JSON plan; exit 1 if any denies it.
#   examples/policy/gate.sh plan.json            (MAX_CHANGES defaults to 50)
# Fails closed: a missing, empty or non-JSON file, a saved plan (`telconf plan --out`, not
# the JSON plan), a bad MAX_CHANGES or any error of jq or a policy is exit 2 with one line
# saying why; never a pass. (No pipes: their failures would be lost in plain sh.)
set -eu
plan=${1:?usage: gate.sh PLAN.json}
dir=$(dirname "$0")
fail() {
    printf 'gate.sh: %s\n' "$*" >&2
    exit 2
}
[ -e "$plan" ] || fail "$plan: no such file"
[ -f "$plan" ] || fail "$plan: not a regular file"
[ -s "$plan" ] || fail "$plan: empty file"
jq -e 'type == "object" and .format_version == 2 and (.accounts | type) == "array"' "$plan" >/dev/null 2>&1 ||
    fail "$plan is not a telconf JSON plan of format 2: make it with \`telconf plan --format json > $plan\` (a file from \`plan --out\` is a saved plan: \`telconf show FILE -f json\` renders it as one)"
failed=0
for policy in "$dir"/*.jq; do
    name=$(basename "$policy" .jq)
    program="$(cat "$policy")
| if type == \"array\" and all(.[]; type == \"string\") then .[] else error(\"not a list of denial messages\") end"
    denials=$(jq -n -r --argjson max_changes "${MAX_CHANGES:-50}" "$program" "$plan" 2>&1) ||
        fail "$name: the policy did not run: $(printf '%s' "$denials" | tr '\n' ' ')"
    if [ -n "$denials" ]; then
        printf '%s: %s\n' "$name" "$denials" >&2
        failed=1
    fi
done
exit "$failed"
