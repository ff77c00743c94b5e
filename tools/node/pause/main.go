// The test node's pod sandbox ("pause") process: the first process of every pod, which holds the pod's
// namespaces while its containers come and go. It sleeps until SIGINT or SIGTERM and, as PID 1 of the pod's PID
// namespace when the pod shares one, reaps the zombies of processes that other containers started.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		os.Stdout.WriteString("flink-platform test-node pause\n")
		return
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
