# Policy: no SIP line is deleted (phones registered on it would stop working).
# Input: `telconf plan --format json` (format 2). Output: an array of denial messages;
# empty when the plan passes. Run: jq -f examples/policy/no-sip-line-deleted.jq plan.json
[ .accounts[].changes[]
  | select(.kind == "sip_line" and .action == "delete")
  | "\(.address): deletes SIP line \(.key) (config \(.source.file // "?"):\(.source.line // "?"))"
]
