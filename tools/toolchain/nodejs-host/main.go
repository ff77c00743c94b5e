// Command pulumi-language-nodejs is the flink-platform's own, minimal Pulumi
// language host for Node.js programs.
//
// Upstream's host module is not available from the Go module proxy used
// here, so this host implements the LanguageRuntime gRPC service from
// github.com/pulumi/pulumi/sdk/v3's protocol stubs with just what
// `pulumi preview/up/destroy/refresh` (CLI or Automation API with a local
// program) need for a TypeScript or JavaScript project:
//
//   - Run: starts `node` from $PATH on the project's
//     node_modules/@pulumi/pulumi/cmd/run with the flags and environment
//     variables that entrypoint reads (see run.go). TypeScript is handled by
//     the SDK itself (ts-node) when PULUMI_NODEJS_TYPESCRIPT=true, which is
//     the default, as with the upstream host.
//   - GetRequiredPlugins/GetRequiredPackages: the resource plugins declared
//     by packages under node_modules ("pulumi": {"resource": true}).
//   - GetProgramDependencies, About, GetPluginInfo, Handshake, Cancel.
//   - InstallDependencies: a no-op that says so (run `npm ci` yourself).
//
// Everything else (code generation, packing, linking, plugins written in
// Node.js, debugger attachment) answers Unimplemented.
//
// Protocol: the engine starts the host as
//
//	pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing URL] ENGINE_ADDRESS
//
// and reads one line from its stdout: the TCP port of the gRPC server.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set at build time: -ldflags "-X main.version=v3.274.1".
var version = "v0.0.0-dev"

type options struct {
	engineAddress string
	tracing       string
	verbose       int
	showVersion   bool
}

// parseArgs understands the flags the engine passes to language plugins
// (--logtostderr, -v=N, --tracing URL) plus --version, in either the
// "-flag value" or "-flag=value" form with one or two dashes. Unknown flags
// are ignored so that a newer engine cannot break the host by adding one.
// The first positional argument is the engine's gRPC address.
func parseArgs(args []string) options {
	var o options
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			if o.engineAddress == "" {
				o.engineAddress = a
			}
			continue
		}
		if a == "--" {
			if i+1 < len(args) && o.engineAddress == "" {
				o.engineAddress = args[i+1]
			}
			break
		}
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, value, hasValue = k, v, true
		}
		takeValue := func() string {
			if hasValue {
				return value
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch name {
		case "tracing":
			o.tracing = takeValue()
		case "v":
			o.verbose, _ = strconv.Atoi(takeValue())
		case "runtime", "root":
			_ = takeValue() // accepted for compatibility, not used
		case "version":
			o.showVersion = true
		}
	}
	return o
}

func main() {
	opts := parseArgs(os.Args[1:])
	if opts.showVersion {
		fmt.Println(version)
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cancelServer := make(chan bool)
	go func() {
		<-ctx.Done()
		close(cancelServer)
	}()

	// Exit when the engine goes away, as the upstream hosts do.
	if opts.engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, opts.engineAddress, 5*time.Minute, stop); err != nil {
			fatalf("could not start health check of the engine: %v", err)
		}
	}

	host := newHost(opts)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelServer,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fatalf("could not start language host gRPC server: %v", err)
	}

	// The engine reads exactly this line to learn where to connect.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fatalf("language host gRPC server stopped: %v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: "+format+"\n", args...)
	os.Exit(1)
}
