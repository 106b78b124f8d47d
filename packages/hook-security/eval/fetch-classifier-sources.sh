#!/usr/bin/env bash
# Checks out the public sources of eval/classifier-sources.json into a directory (default /tmp/classifier-sources),
# one <owner>+<name> folder each, at the commit the manifest pins. Nothing fetched belongs in the repository.
#   bash packages/hook-security/eval/fetch-classifier-sources.sh [directory]
set -euo pipefail
target="${1:-/tmp/classifier-sources}"
manifest="$(dirname "$0")/classifier-sources.json"
mkdir -p "$target"
node -e '
  const { sources } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const { repository, commit } of sources) console.log(`${repository} ${commit}`);
' "$manifest" | while read -r repository commit; do
  folder="$target/${repository/\//+}"
  if [ ! -d "$folder/.git" ]; then
    git clone --quiet --filter=blob:none --no-checkout "https://github.com/$repository" "$folder"
  fi
  git -C "$folder" checkout --quiet "$commit"
done
echo "sources in $target"
