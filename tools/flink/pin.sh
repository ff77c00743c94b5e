#!/usr/bin/env bash
# Prints the SHA-256 pin of a jar for tools/flink/maven-jars.txt or tools/flink/job-jars.txt, after checking the
# downloaded file against the repository's own .sha1 (Maven Central publishes SHA-1, not SHA-256, for most
# artifacts). Nothing is kept.
#
# Usage: tools/flink/pin.sh groupId:artifactId:version   (from $MAVEN_REPOSITORY, default Maven Central)
#        tools/flink/pin.sh https://host/path/file.jar   (its .sha1 must be served beside it)
set -euo pipefail
repo="${MAVEN_REPOSITORY:-https://repo1.maven.org/maven2}"
repo="${repo%/}"
[[ $# -eq 1 ]] || { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
case "$1" in
  http://* | https://*) url="$1" ;;
  *:*:*)
    IFS=: read -r group artifact version <<<"$1"
    url="$repo/${group//.//}/$artifact/$version/$artifact-$version.jar"
    ;;
  *) echo "pin.sh: expected groupId:artifactId:version or a URL, got '$1'" >&2; exit 2 ;;
esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 -o "$tmp/file" "$url" || { echo "pin.sh: cannot fetch $url" >&2; exit 1; }
sha1="$(curl -fsSL --retry 3 "$url.sha1" | cut -c1-40)" || { echo "pin.sh: no .sha1 beside $url" >&2; exit 1; }
echo "$sha1  $tmp/file" | sha1sum -c --quiet - >/dev/null 2>&1 \
  || { echo "pin.sh: $url does not match its .sha1 ($sha1)" >&2; exit 1; }
echo "sha1 $sha1 matches $url" >&2
echo "$url $(sha256sum "$tmp/file" | cut -d' ' -f1)"
