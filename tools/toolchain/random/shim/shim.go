// Package shim exposes the Terraform random provider (a terraform-plugin-framework
// provider kept in an internal package) to the flink-platform provider wrapper.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"

	random "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns a fresh instance of the Terraform random provider.
func NewProvider() provider.Provider {
	return random.New()
}
