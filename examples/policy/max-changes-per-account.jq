# Policy: no account changes more than $max_changes items in one plan (a big change
# goes in several reviewed steps). Pass the limit: --argjson max_changes 50
# Output: an array of denial messages; empty when the plan passes.
# Fails closed: anything but one JSON plan of format 2 is an error (exit 5), never a pass.
# Run it with `jq -n` (then an empty file is an error too): jq -n -f POLICY.jq plan.json
(if . == null then [inputs] else [.] + [inputs] end)
| if length != 1 then error("expected one JSON plan, found \(length) JSON values (an empty file?)") else .[0] end
| if type != "object" or .format_version != 2 or (.accounts | type) != "array" then
  error("not a telconf JSON plan of format 2 (telconf plan --format json); a saved plan from `plan --out` is not one: `telconf show FILE -f json` renders it as one")
else . end
| [ .accounts[]
  | select((.changes | length) > $max_changes)
  | "\(.account): \(.changes | length) changes, more than the \($max_changes) allowed in one plan"
]
