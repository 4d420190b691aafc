package main

import (
	"fmt"
	"strings"
)

// runtimeOptions are the `runtime.options` of Pulumi.yaml that matter for running a program.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeArgs   []string
}

func parseOptions(raw map[string]any) (runtimeOptions, error) {
	opts := runtimeOptions{typescript: true}
	for key, value := range raw {
		switch key {
		case "typescript":
			b, ok := value.(bool)
			if !ok {
				return opts, fmt.Errorf("runtime option typescript must be true or false, got %v", value)
			}
			opts.typescript = b
		case "tsconfig":
			s, ok := value.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option tsconfig must be a path, got %v", value)
			}
			opts.tsconfig = s
		case "nodeargs":
			s, ok := value.(string)
			if !ok {
				return opts, fmt.Errorf("runtime option nodeargs must be a string, got %v", value)
			}
			opts.nodeArgs = strings.Fields(s)
		case "packagemanager":
			// Only used to install dependencies, which this host leaves to the workspace.
		default:
			return opts, fmt.Errorf("runtime option %q is not supported by this language host (supported: typescript, tsconfig, nodeargs, packagemanager)", key)
		}
	}
	return opts, nil
}
