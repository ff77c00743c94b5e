// Command etcd is the flink-platform build of etcd for the throw-away test
// cluster (scripts/with-cluster.sh). It only hands its arguments to etcd's own
// server entry point from the go.etcd.io/etcd/server/v3 module; nothing is
// changed. A wrapper is needed because that module's go.mod replaces its
// sibling modules with ../ paths, so `go install` of it is refused.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
