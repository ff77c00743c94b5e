#!/usr/bin/env bash
# Regenerates the replace directives of this wrapper module from the go.mod of
# the pinned k8s.io/kubernetes release. Run it after changing the versions
# below, then `go mod tidy`, and commit go.mod + go.sum.
#
# Why: k8s.io/kubernetes requires its ~30 "staging" modules (k8s.io/api,
# k8s.io/client-go, ...) at v0.0.0 and replaces them with ./staging/src/...
# paths inside its own repository. Replace directives only apply in the main
# module, so a module that requires k8s.io/kubernetes must point each of them
# at the published release of the same staging module (v0.N.M for v1.N.M).
set -euo pipefail
KUBERNETES_VERSION="v1.37.2"
STAGING_VERSION="v0.${KUBERNETES_VERSION#v1.}"

cd "$(dirname "${BASH_SOURCE[0]}")"
gomod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" \
  | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[[ -f "$gomod" ]] || { echo "gen-replaces: go.mod of k8s.io/kubernetes@$KUBERNETES_VERSION not found" >&2; exit 1; }

# Lines of the form "<tab>k8s.io/X => ./staging/src/k8s.io/X" in its replace block.
mapfile -t staging < <(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/.*#\1#p' "$gomod" | LC_ALL=C sort -u)
(( ${#staging[@]} > 20 )) || { echo "gen-replaces: found only ${#staging[@]} staging modules in $gomod" >&2; exit 1; }

# Drop the old replaces, then add one per staging module.
for old in $(go mod edit -json | tr -d ' \t\n' | { grep -o '"Old":{"Path":"[^"]*"' || true; } | cut -d'"' -f6); do
  go mod edit -dropreplace="$old"
done
go mod edit -require="k8s.io/kubernetes@$KUBERNETES_VERSION"
for m in "${staging[@]}"; do
  go mod edit -replace="$m=$m@$STAGING_VERSION"
done
echo "gen-replaces: ${#staging[@]} staging modules replaced with $STAGING_VERSION; now run: go mod tidy" >&2
