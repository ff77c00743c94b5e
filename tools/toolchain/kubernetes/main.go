// Command pulumi-resource-kubernetes is the flink-platform build of the
// Pulumi Kubernetes resource provider.
//
// The upstream command embeds two files that upstream generates with
// `go generate` and never commits, so it cannot be built straight from the
// Go module. This wrapper embeds the same two files, produced at build time
// by ./genembed (see scripts/build-toolchain.sh), and starts the provider
// library from the module.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

// Generated at build time (gitignored): the module's schema.json with its
// "version" field set to the pinned provider version.
//
//go:embed schema-embed.json
var schemaJSON []byte

// Generated at build time (gitignored): the module's terraform-mapping.json,
// compacted.
//
//go:embed terraform-mapping-embed.json
var terraformMappingJSON []byte

func main() {
	provider.Serve("kubernetes", version.Version, schemaJSON, terraformMappingJSON)
}
