package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

type packageJSON struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	Pulumi               *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &p, nil
}

// locateModule resolves a module the way Node would from dir: the nearest
// node_modules/<module> walking up the directory tree.
func locateModule(dir, module string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", filepath.FromSlash(module))
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("could not find %s from %s: install @pulumi/pulumi in the program's package (pnpm install)", module, abs)
		}
	}
}

// programPackage finds the package.json that owns the program directory.
func programPackage(dir string) (string, *packageJSON, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		p, err := readPackageJSON(filepath.Join(d, "package.json"))
		if err == nil {
			return d, p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, err
		}
		if filepath.Dir(d) == d {
			return "", nil, fmt.Errorf("no package.json at or above %s", abs)
		}
	}
}

// installedDependencies reads the package.json of each direct dependency of the program.
func installedDependencies(programDir string) (map[string]*packageJSON, error) {
	root, pkg, err := programPackage(programDir)
	if err != nil {
		return nil, err
	}
	deps := map[string]*packageJSON{}
	for _, group := range []map[string]string{pkg.Dependencies, pkg.DevDependencies, pkg.OptionalDependencies} {
		for name := range group {
			dir, err := locateModule(root, name)
			if err != nil {
				continue // not installed: nothing to report
			}
			info, err := readPackageJSON(filepath.Join(dir, "package.json"))
			if err != nil {
				return nil, err
			}
			deps[name] = info
		}
	}
	return deps, nil
}

// requiredPackages lists the resource plugins the program's direct dependencies declare.
func requiredPackages(programDir string) ([]*pulumirpc.PackageDependency, error) {
	deps, err := installedDependencies(programDir)
	if err != nil {
		return nil, err
	}
	var out []*pulumirpc.PackageDependency
	for npmName, info := range deps {
		if info.Pulumi == nil || !info.Pulumi.Resource {
			continue
		}
		name := info.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(npmName, "@pulumi/")
		}
		version := info.Pulumi.Version
		if version == "" {
			version = info.Version
		}
		out = append(out, &pulumirpc.PackageDependency{
			Kind: "resource", Name: name, Version: "v" + strings.TrimPrefix(version, "v"), Server: info.Pulumi.Server,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func programDependencies(programDir string) ([]*pulumirpc.DependencyInfo, error) {
	deps, err := installedDependencies(programDir)
	if err != nil {
		return nil, err
	}
	out := make([]*pulumirpc.DependencyInfo, 0, len(deps))
	for name, info := range deps {
		out = append(out, &pulumirpc.DependencyInfo{Name: name, Version: info.Version})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
