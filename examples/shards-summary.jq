# One summary from the JSON reports of a sharded run (`--report json`, one file per shard):
#   jq -s -f examples/shards-summary.jq shard-*.json
# Sums the shards' counts; the exit code is the worst shard's; `shards` counts the reports, to
# be checked against N (a shard that never ran has no report).
map(select(.type == "summary"))
| {
    letters: (map(.letters) | add),
    succeeded: (map(.succeeded) | add),
    failed: (map(.failed) | add),
    skipped: (map(.skipped) | add),
    pages: (map(.pages) | add),
    bytes: (map(.bytes) | add),
    warnings: (map(.warnings) | add),
    shards: length,
    of: (map(.shard.count) | unique),
    exit_code: (map(.exit_code) | max)
  }
