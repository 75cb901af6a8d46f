# Policy: no black list is emptied (every A-number of a list and B-number removed),
# which usually means a lost block_file rather than an intended change.
# Output: an array of denial messages; empty when the plan passes.
[ .accounts[].changes[]
  | select(.kind == "blacklist" and .action == "delete" and .warning_code == "blacklist-emptied")
  | "\(.address): empties the black list (\(.size) A-numbers removed)"
]
