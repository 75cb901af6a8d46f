# Policy: no black list is emptied (every A-number of a list and B-number removed),
# which usually means a lost block_file rather than an intended change.
# Output: an array of denial messages; empty when the plan passes.
# Fails closed: anything but one JSON plan of format 2 is an error (exit 5), never a pass.
# Run it with `jq -n` (then an empty file is an error too): jq -n -f POLICY.jq plan.json
(if . == null then [inputs] else [.] + [inputs] end)
| if length != 1 then error("expected one JSON plan, found \(length) JSON values (an empty file?)") else .[0] end
| if type != "object" or .format_version != 2 or (.accounts | type) != "array" then
  error("not a telconf JSON plan of format 2 (telconf plan --format json); a saved plan from `plan --out` is not one: `telconf show FILE -f json` renders it as one")
else . end
| [ .accounts[].changes[]
  | select(.kind == "blacklist" and .action == "delete" and .warning_code == "blacklist-emptied")
  | "\(.address): empties the black list (\(.size) A-numbers removed)"
]
