// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi engine.
//
// Upstream's language host is a Go module of its own that the module proxy reachable from
// this project's machines does not serve, so this project carries its own. It implements
// the part of the LanguageRuntime protocol that `pulumi preview/up/refresh/destroy` use:
// it finds @pulumi/pulumi's `cmd/run` next to the program and starts Node on it with the
// same flags and environment upstream's host passes, and it reports the Pulumi packages
// the program depends on so the engine can load their plugins up front.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is set at link time with -X main.version=...
var version = "0.0.0-dev"

func main() {
	flag.String("tracing", "", "accepted for compatibility; tracing is not supported")
	flag.String("runtime", "nodejs", "accepted for compatibility; only nodejs is supported")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		close(cancel)
	}()

	// Exit when the engine goes away, so no host outlives a cancelled deployment.
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, stop); err != nil {
			fail("could not start the engine health check: %v", err)
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, newHost(engineAddress))
			return nil
		},
	})
	if err != nil {
		fail("could not start the language host gRPC server: %v", err)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail("language host gRPC server stopped: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: "+format+"\n", args...)
	os.Exit(1)
}
