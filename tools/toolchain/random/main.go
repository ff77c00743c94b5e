// Command pulumi-resource-random is the flink-platform build of a Pulumi
// "random" resource provider.
//
// Upstream's provider module is not available from the Go module proxy used
// here, so this is our own bridged provider: the Terraform random provider
// (terraform-plugin-framework) served through pulumi-terraform-bridge's
// plugin-framework bridge. The resource tokens and property names match the
// @pulumi/random npm SDK (4.21.x): tokens are random:index/randomX:RandomX
// and property names are the bridge's default camelCase of the Terraform
// attribute names (override_special -> overrideSpecial, input -> inputs, ...).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/terraform-providers/terraform-provider-random/shim"
)

// version is set at build time with -ldflags "-X main.version=...". The
// bridge refuses an empty or non-semver version.
var version string

const pkgName = "random"

// Terraform resource type -> Pulumi type name. Every resource lives in the
// "index" module, with the file part being the lower-camel type name.
var resourceNames = map[string]string{
	"random_bytes":    "RandomBytes",
	"random_id":       "RandomId",
	"random_integer":  "RandomInteger",
	"random_password": "RandomPassword",
	"random_pet":      "RandomPet",
	"random_shuffle":  "RandomShuffle",
	"random_string":   "RandomString",
	"random_uuid":     "RandomUuid",
	"random_uuid4":    "RandomUuid4",
	"random_uuid7":    "RandomUuid7",
}

func token(name string) string {
	// "RandomPassword" -> "random:index/randomPassword:RandomPassword"
	return fmt.Sprintf("%s:index/%s%s:%s", pkgName, "r", name[1:], name)
}

func providerInfo(ver string) tfbridge.ProviderInfo {
	resources := make(map[string]*tfbridge.ResourceInfo, len(resourceNames))
	for tf, name := range resourceNames {
		resources[tf] = &tfbridge.ResourceInfo{Tok: tokens.Type(token(name))}
	}

	// The generated secrets must never show up in plain text in state or
	// output. The Terraform schema marks them sensitive already (which the
	// bridge turns into secrets); say it explicitly as well.
	resources["random_password"].Fields = map[string]*tfbridge.SchemaInfo{
		"result":      {Secret: tfbridge.True()},
		"bcrypt_hash": {Secret: tfbridge.True()},
	}
	resources["random_bytes"].Fields = map[string]*tfbridge.SchemaInfo{
		"base64": {Secret: tfbridge.True()},
		"hex":    {Secret: tfbridge.True()},
	}
	// random_bytes has no "id" attribute; its Pulumi ID is the base64 value.
	resources["random_bytes"].ComputeID = bytesID

	return tfbridge.ProviderInfo{
		Name:         pkgName,
		P:            pfbridge.ShimProvider(shim.NewProvider()),
		Version:      ver,
		Description:  "Random values (passwords, strings, ids, ...) for Pulumi programs, bridged from the Terraform random provider.",
		License:      "Apache-2.0",
		Keywords:     []string{"pulumi", "random"},
		MetadataInfo: tfbridge.NewProviderMetadata([]byte("{}")),
		Resources:    resources,
	}
}

func bytesID(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	v, ok := state["base64"]
	if !ok {
		return "", errors.New("random_bytes: no base64 property in state")
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return "", errors.New("random_bytes: base64 property is not a string")
	}
	return resource.ID(v.StringValue()), nil
}

// packageSchema is the schema returned by GetSchema. The bridge only serves
// these bytes (nothing at run time reads them), and the @pulumi/random npm
// SDK carries its own generated code, so a minimal schema naming the package,
// its version and its resource tokens is enough.
func packageSchema(ver string) ([]byte, error) {
	res := make(map[string]any, len(resourceNames))
	for _, name := range resourceNames {
		res[token(name)] = map[string]any{
			"description": "See the Terraform random provider's " + name + " resource.",
		}
	}
	return json.Marshal(map[string]any{
		"name":        pkgName,
		"displayName": "Random",
		"version":     ver,
		"description": "Random values for Pulumi programs (flink-platform build).",
		"keywords":    []string{"pulumi", "random"},
		"license":     "Apache-2.0",
		"resources":   res,
	})
}

func main() {
	if version == "" {
		fmt.Fprintln(os.Stderr, "pulumi-resource-random: built without a version; "+
			"build with -ldflags \"-X main.version=X.Y.Z\"")
		os.Exit(1)
	}
	schema, err := packageSchema(version)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-random:", err)
		os.Exit(1)
	}
	pfbridge.Main(context.Background(), pkgName, providerInfo(version),
		pfbridge.ProviderMetadata{PackageSchema: schema})
}
