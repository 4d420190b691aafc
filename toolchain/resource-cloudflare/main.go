// Command pulumi-resource-cloudflare serves the Cloudflare resources this project deploys
// (D1Database, WorkersKvNamespace, PagesProject, WorkersScript) to the Pulumi engine, for the
// @pulumi/cloudflare Node.js SDK whose version it reports.
//
// Upstream's provider (a Terraform bridge over terraform-provider-cloudflare) and most of its
// Go dependencies are not served by the module proxy reachable from this project's machines,
// so this project carries its own small provider for the resources it uses. It speaks the
// Cloudflare v4 REST API at `cloudflare:baseUrl` (or CLOUDFLARE_BASE_URL), maps the SDK's
// camelCase properties to the API's snake_case fields, and keeps the resource semantics the
// program relies on (which property changes replace a resource, ids, computed outputs).
package main

import (
	"fmt"
	"os"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set at link time; it must equal the npm @pulumi/cloudflare version.
var version = "6.17.0"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(version)
		return
	}
	v, err := semver.ParseTolerant(version)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-cloudflare: bad link-time version %q: %v\n", version, err)
		os.Exit(1)
	}
	err = provider.Main("cloudflare", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return plugin.NewProviderServer(&cloudflareProvider{version: v}), nil
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-cloudflare: %v\n", err)
		os.Exit(1)
	}
}
