# Policy: no SIP line is deleted (phones registered on it would stop working).
# Input: `telconf plan --format json` (format 2). Output: an array of denial messages;
# empty when the plan passes. Run: jq -n -f examples/policy/no-sip-line-deleted.jq plan.json
# Fails closed: anything but one JSON plan of format 2 is an error (exit 5), never a pass.
# Run it with `jq -n` (then an empty file is an error too): jq -n -f POLICY.jq plan.json
(if . == null then [inputs] else [.] + [inputs] end)
| if length != 1 then error("expected one JSON plan, found \(length) JSON values (an empty file?)") else .[0] end
| if type != "object" or .format_version != 2 or (.accounts | type) != "array" then
  error("not a telconf JSON plan of format 2 (telconf plan --format json); a saved plan from `plan --out` is not one: `telconf show FILE -f json` renders it as one")
else . end
| [ .accounts[].changes[]
  | select(.kind == "sip_line" and .action == "delete")
  | "\(.address): deletes SIP line \(.key) (config \(.source.file // "?"):\(.source.line // "?"))"
]
