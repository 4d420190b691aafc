package main

import (
	"context"
	"fmt"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

const commandType = "command:local:Command"

type commandProvider struct {
	plugin.UnimplementedProvider
	host    *provider.HostClient
	version semver.Version
}

func (p *commandProvider) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	return plugin.PluginInfo{Version: &p.version}, nil
}

func (p *commandProvider) Handshake(
	context.Context, plugin.ProviderHandshakeRequest,
) (*plugin.ProviderHandshakeResponse, error) {
	return &plugin.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (p *commandProvider) CheckConfig(_ context.Context, req plugin.CheckConfigRequest) (plugin.CheckConfigResponse, error) {
	return plugin.CheckConfigResponse{Properties: req.News}, nil
}

func (p *commandProvider) DiffConfig(context.Context, plugin.DiffConfigRequest) (plugin.DiffConfigResponse, error) {
	return plugin.DiffResult{Changes: plugin.DiffNone}, nil
}

func (p *commandProvider) Configure(context.Context, plugin.ConfigureRequest) (plugin.ConfigureResponse, error) {
	return plugin.ConfigureResponse{}, nil
}

func (p *commandProvider) SignalCancellation(context.Context) error { return nil }

func (p *commandProvider) Close() error { return nil }

func checkType(t fmt.Stringer) error {
	if t.String() != commandType {
		return fmt.Errorf("resource type %s is not supported: this build of the command provider serves only %s", t, commandType)
	}
	return nil
}

func (p *commandProvider) Check(_ context.Context, req plugin.CheckRequest) (plugin.CheckResponse, error) {
	if err := checkType(req.Type); err != nil {
		return plugin.CheckResponse{}, err
	}
	var failures []plugin.CheckFailure
	for _, key := range []resource.PropertyKey{"assetPaths", "archivePaths"} {
		if v, ok := req.News[key]; ok && !v.IsNull() {
			failures = append(failures, plugin.CheckFailure{
				Property: key,
				Reason:   fmt.Sprintf("%s is not supported by this build of the command provider: remove it", key),
			})
		}
	}
	return plugin.CheckResponse{Properties: req.News, Failures: failures}, nil
}

// inputKeys are the Command inputs; any change to one of them updates the resource.
var inputKeys = []resource.PropertyKey{
	"create", "update", "delete", "triggers", "stdin", "logging", "interpreter", "dir", "environment",
	"assetPaths", "archivePaths", "addPreviousOutputInEnv",
}

func (p *commandProvider) Diff(_ context.Context, req plugin.DiffRequest) (plugin.DiffResponse, error) {
	var changed, replace []resource.PropertyKey
	detailed := map[string]plugin.PropertyDiff{}
	for _, key := range inputKeys {
		oldV, hadOld := req.OldInputs[key]
		newV, hasNew := req.NewInputs[key]
		if hadOld && oldV.IsNull() {
			hadOld = false
		}
		if hasNew && newV.IsNull() {
			hasNew = false
		}
		if !hadOld && !hasNew {
			continue
		}
		if hadOld && hasNew && !newV.ContainsUnknowns() && oldV.DeepEquals(newV) {
			continue
		}
		kind := plugin.DiffUpdate
		switch {
		case !hadOld:
			kind = plugin.DiffAdd
		case !hasNew:
			kind = plugin.DiffDelete
		}
		if key == "triggers" {
			kind = map[plugin.DiffKind]plugin.DiffKind{
				plugin.DiffAdd: plugin.DiffAddReplace, plugin.DiffDelete: plugin.DiffDeleteReplace,
				plugin.DiffUpdate: plugin.DiffUpdateReplace,
			}[kind]
			replace = append(replace, key)
		}
		changed = append(changed, key)
		detailed[string(key)] = plugin.PropertyDiff{Kind: kind, InputDiff: true}
	}
	if len(changed) == 0 {
		return plugin.DiffResult{Changes: plugin.DiffNone}, nil
	}
	return plugin.DiffResult{
		Changes: plugin.DiffSome, ChangedKeys: changed, ReplaceKeys: replace, DetailedDiff: detailed,
	}, nil
}

func (p *commandProvider) Create(ctx context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	id, err := resource.NewUniqueHex(req.Name, 8, 0)
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	state := withOutputs(req.Properties, resource.PropertyMap{})
	if req.Preview {
		return plugin.CreateResponse{ID: resource.ID(id), Properties: computedOutputs(state, req.Properties)}, nil
	}
	if script, ok := stringInput(req.Properties, "create"); ok {
		if err := p.run(ctx, req.URN, script, req.Properties, state); err != nil {
			return plugin.CreateResponse{ID: resource.ID(id), Properties: state, Status: resource.StatusPartialFailure}, err
		}
	}
	return plugin.CreateResponse{ID: resource.ID(id), Properties: state}, nil
}

func (p *commandProvider) Update(ctx context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	state := withOutputs(req.NewInputs, req.OldOutputs)
	script, ok := stringInput(req.NewInputs, "update")
	if !ok {
		script, ok = stringInput(req.NewInputs, "create")
	}
	if req.Preview {
		if ok {
			state = computedOutputs(state, req.NewInputs)
		}
		return plugin.UpdateResponse{Properties: state}, nil
	}
	if ok {
		if err := p.run(ctx, req.URN, script, req.NewInputs, state); err != nil {
			return plugin.UpdateResponse{Properties: state, Status: resource.StatusPartialFailure}, err
		}
	}
	return plugin.UpdateResponse{Properties: state}, nil
}

func (p *commandProvider) Delete(ctx context.Context, req plugin.DeleteRequest) (plugin.DeleteResponse, error) {
	script, ok := stringInput(req.Outputs, "delete")
	if !ok {
		return plugin.DeleteResponse{}, nil
	}
	return plugin.DeleteResponse{}, p.run(ctx, req.URN, script, req.Outputs, req.Outputs.Copy())
}

// Read keeps the recorded state: a command has nothing to read back, so refresh is a no-op.
func (p *commandProvider) Read(_ context.Context, req plugin.ReadRequest) (plugin.ReadResponse, error) {
	return plugin.ReadResponse{ReadResult: plugin.ReadResult{ID: req.ID, Inputs: req.Inputs, Outputs: req.State}}, nil
}

// withOutputs is the resource state: the inputs plus stdout/stderr carried over from before.
func withOutputs(inputs, previous resource.PropertyMap) resource.PropertyMap {
	state := inputs.Copy()
	for _, key := range []resource.PropertyKey{"stdout", "stderr"} {
		if v, ok := previous[key]; ok {
			state[key] = v
		} else {
			state[key] = resource.NewStringProperty("")
		}
	}
	return state
}

// computedOutputs marks stdout/stderr unknown in a preview of a step that will run a command.
func computedOutputs(state, inputs resource.PropertyMap) resource.PropertyMap {
	out := state.Copy()
	for _, key := range []resource.PropertyKey{"stdout", "stderr"} {
		out[key] = resource.MakeComputed(resource.NewStringProperty(""))
	}
	return out
}
