// Pins the modules whose CRD YAML scripts/build-cluster.sh copies out of the
// module cache (go mod download checks them against go.sum). No Go code
// imports them, so do not run `go mod tidy` here: it would drop both.

module flink-platform/cluster/crds

go 1.26.0

require (
	github.com/cert-manager/cert-manager v1.21.2
	github.com/prometheus-operator/prometheus-operator v0.85.0
)
