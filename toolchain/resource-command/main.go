// Command pulumi-resource-command serves the `command:local:Command` resource of the
// @pulumi/command 1.2.1 Node.js SDK to the Pulumi engine.
//
// Upstream's provider module is not served by the module proxy reachable from this
// project's machines, so this project carries its own implementation of the one resource
// it uses, with upstream's documented behaviour: `create` runs on create, `update` (or
// `create` when unset) on any input change, `delete` on delete, a change to `triggers`
// replaces the resource, and stdout/stderr become outputs.
package main

import (
	"fmt"
	"os"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set at link time; it must equal the npm @pulumi/command version.
var version = "1.2.1"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(version)
		return
	}
	v, err := semver.ParseTolerant(version)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-command: bad link-time version %q: %v\n", version, err)
		os.Exit(1)
	}
	err = provider.Main("command", func(host *provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return plugin.NewProviderServer(&commandProvider{host: host, version: v}), nil
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-command: %v\n", err)
		os.Exit(1)
	}
}
