# Policy: no account changes more than $max_changes items in one plan (a big change
# goes in several reviewed steps). Pass the limit: --argjson max_changes 50
# Output: an array of denial messages; empty when the plan passes.
[ .accounts[]
  | select((.changes | length) > $max_changes)
  | "\(.account): \(.changes | length) changes, more than the \($max_changes) allowed in one plan"
]
