package main

import (
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRequiredPackagesComeFromDirectDependencies(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "package.json"),
		`{"dependencies":{"@pulumi/command":"1.2.1","@pulumi/pulumi":"3.276.0","left-pad":"1.0.0"}}`)
	write(t, filepath.Join(root, "node_modules/@pulumi/command/package.json"),
		`{"name":"@pulumi/command","version":"1.2.1","pulumi":{"resource":true,"name":"command","version":"1.2.1"}}`)
	write(t, filepath.Join(root, "node_modules/@pulumi/pulumi/package.json"), `{"name":"@pulumi/pulumi","version":"3.276.0"}`)
	write(t, filepath.Join(root, "node_modules/left-pad/package.json"), `{"name":"left-pad","version":"1.0.0"}`)
	program := filepath.Join(root, "infra")
	if err := os.MkdirAll(program, 0o755); err != nil {
		t.Fatal(err)
	}

	pkgs, err := requiredPackages(program)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 || pkgs[0].Name != "command" || pkgs[0].Version != "v1.2.1" || pkgs[0].Kind != "resource" {
		t.Fatalf("packages = %v, want only resource command v1.2.1", pkgs)
	}
	run, err := locateModule(program, "@pulumi/pulumi")
	if err != nil || run != filepath.Join(root, "node_modules/@pulumi/pulumi") {
		t.Fatalf("locateModule = %q, %v", run, err)
	}
}

func TestRuntimeOptions(t *testing.T) {
	opts, err := parseOptions(map[string]any{"typescript": false, "nodeargs": "--max-old-space-size=4096 --trace-warnings"})
	if err != nil || opts.typescript || len(opts.nodeArgs) != 2 {
		t.Fatalf("opts = %+v, %v", opts, err)
	}
	if _, err := parseOptions(map[string]any{"bogus": 1}); err == nil {
		t.Fatal("an unknown runtime option must be rejected with a message")
	}
	if opts, _ := parseOptions(nil); !opts.typescript {
		t.Fatal("typescript must default to true, as upstream")
	}
}
