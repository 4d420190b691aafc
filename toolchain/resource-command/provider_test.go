package main

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func TestDiffReplacesOnlyOnTriggers(t *testing.T) {
	p := &commandProvider{}
	old := props(map[string]any{"create": "echo a", "triggers": []any{"1"}})

	upd, err := p.Diff(context.Background(), plugin.DiffRequest{
		OldInputs: old, NewInputs: props(map[string]any{"create": "echo b", "triggers": []any{"1"}}),
	})
	if err != nil || upd.Changes != plugin.DiffSome || len(upd.ReplaceKeys) != 0 {
		t.Fatalf("changing create: %+v, %v; want an in-place update", upd, err)
	}
	rep, err := p.Diff(context.Background(), plugin.DiffRequest{
		OldInputs: old, NewInputs: props(map[string]any{"create": "echo a", "triggers": []any{"2"}}),
	})
	if err != nil || len(rep.ReplaceKeys) != 1 || rep.ReplaceKeys[0] != "triggers" {
		t.Fatalf("changing triggers: %+v, %v; want a replacement", rep, err)
	}
	same, err := p.Diff(context.Background(), plugin.DiffRequest{OldInputs: old, NewInputs: old.Copy()})
	if err != nil || same.Changes != plugin.DiffNone {
		t.Fatalf("no change: %+v, %v", same, err)
	}
}

func TestCreateRunsWithEnvironmentAndUpdateSeesPreviousOutput(t *testing.T) {
	p := &commandProvider{}
	in := props(map[string]any{
		"create":      "printf '%s\\n' \"$WHO\"; echo oops >&2",
		"update":      "echo \"was $PULUMI_COMMAND_STDOUT\"",
		"environment": map[string]any{"WHO": "world"},
		"logging":     "none",
	})
	created, err := p.Create(context.Background(), plugin.CreateRequest{Name: "c", Properties: in})
	if err != nil {
		t.Fatal(err)
	}
	if got := created.Properties["stdout"].StringValue(); got != "world" {
		t.Fatalf("stdout = %q, want world", got)
	}
	if got := created.Properties["stderr"].StringValue(); got != "oops" {
		t.Fatalf("stderr = %q, want oops", got)
	}
	if !strings.HasPrefix(string(created.ID), "c") {
		t.Fatalf("id %q should start with the resource name", created.ID)
	}
	updated, err := p.Update(context.Background(), plugin.UpdateRequest{
		OldInputs: in, OldOutputs: created.Properties, NewInputs: in,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := updated.Properties["stdout"].StringValue(); got != "was world" {
		t.Fatalf("update stdout = %q, want %q", got, "was world")
	}
}

func TestFailingCommandReportsStderr(t *testing.T) {
	p := &commandProvider{}
	_, err := p.Create(context.Background(), plugin.CreateRequest{
		Name: "f", Properties: props(map[string]any{"create": "echo broken >&2; exit 3", "logging": "none"}),
	})
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("err = %v, want one naming stderr", err)
	}
}
