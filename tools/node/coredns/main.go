// A CoreDNS build with only the plugins the test node's cluster DNS uses: the kubernetes plugin answers for
// Services and pods of cluster.local from the API server; nothing is forwarded anywhere (the node has no outside
// network). Fewer plugins than the stock build means far fewer modules to download and compile on a cold CI machine.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

// The plugins' order in a server block is this list's, not the Corefile's: it is the stock build's order
// (core/dnsserver/zdirectives.go of the pinned release) restricted to the plugins above.
func init() {
	dnsserver.Directives = []string{
		"bind", "ready", "health", "errors", "log", "loadbalance", "cache", "kubernetes",
	}
}

func main() {
	coremain.Run()
}
