package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

const defaultBaseURL = "https://api.cloudflare.com/client/v4"

// Same rule as upstream's provider: a token is 40 to 80 URL-safe characters.
var tokenPattern = regexp.MustCompile(`^[0-9A-Za-z_-]{40,80}$`)

type cloudflareProvider struct {
	plugin.UnimplementedProvider
	version semver.Version

	mu     sync.Mutex
	client *apiClient
}

func (p *cloudflareProvider) GetPluginInfo(context.Context) (plugin.PluginInfo, error) {
	return plugin.PluginInfo{Version: &p.version}, nil
}

func (p *cloudflareProvider) Handshake(
	context.Context, plugin.ProviderHandshakeRequest,
) (*plugin.ProviderHandshakeResponse, error) {
	return &plugin.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (p *cloudflareProvider) SignalCancellation(context.Context) error { return nil }

func (p *cloudflareProvider) Close() error { return nil }

func (p *cloudflareProvider) CheckConfig(_ context.Context, req plugin.CheckConfigRequest) (plugin.CheckConfigResponse, error) {
	var failures []plugin.CheckFailure
	if known(req.News, "apiToken") {
		token, _ := plainValue(req.News["apiToken"]).(string)
		if !tokenPattern.MatchString(token) {
			failures = append(failures, plugin.CheckFailure{
				Property: "apiToken",
				Reason:   "cloudflare:apiToken must be 40 to 80 characters of 0-9, A-Z, a-z, _ or - (set it with `pulumi config set --secret cloudflare:apiToken ...`)",
			})
		}
	}
	return plugin.CheckConfigResponse{Properties: req.News, Failures: failures}, nil
}

func (p *cloudflareProvider) DiffConfig(_ context.Context, req plugin.DiffConfigRequest) (plugin.DiffConfigResponse, error) {
	if req.OldInputs.DeepEquals(req.NewInputs) {
		return plugin.DiffResult{Changes: plugin.DiffNone}, nil
	}
	return plugin.DiffResult{Changes: plugin.DiffSome}, nil
}

func (p *cloudflareProvider) Configure(_ context.Context, req plugin.ConfigureRequest) (plugin.ConfigureResponse, error) {
	cfg := plainMap(req.Inputs)
	token := stringOf(cfg, "apiToken")
	if token == "" {
		token = os.Getenv("CLOUDFLARE_API_TOKEN")
	}
	base := stringOf(cfg, "baseUrl")
	if base == "" {
		base = os.Getenv("CLOUDFLARE_BASE_URL")
	}
	if base == "" {
		base = defaultBaseURL
	}
	p.mu.Lock()
	p.client = newAPIClient(base, token)
	p.mu.Unlock()
	return plugin.ConfigureResponse{}, nil
}

func (p *cloudflareProvider) api() (*apiClient, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil {
		return nil, fmt.Errorf("the cloudflare provider was not configured")
	}
	if p.client.token == "" {
		return nil, fmt.Errorf("no Cloudflare API token: set cloudflare:apiToken (secret) or CLOUDFLARE_API_TOKEN")
	}
	return p.client, nil
}

func kindOf(t tokens.Type) (*kind, error) {
	k, ok := kinds[string(t)]
	if !ok {
		supported := make([]string, 0, len(kinds))
		for token := range kinds {
			supported = append(supported, token)
		}
		slices.Sort(supported)
		return nil, fmt.Errorf("resource type %s is not supported by this build of the cloudflare provider (supported: %v)", t, supported)
	}
	return k, nil
}

func (p *cloudflareProvider) Check(_ context.Context, req plugin.CheckRequest) (plugin.CheckResponse, error) {
	k, err := kindOf(req.Type)
	if err != nil {
		return plugin.CheckResponse{}, err
	}
	var failures []plugin.CheckFailure
	for _, key := range k.required {
		v, ok := req.News[resource.PropertyKey(key)]
		if !ok || v.IsNull() {
			failures = append(failures, plugin.CheckFailure{
				Property: resource.PropertyKey(key),
				Reason:   fmt.Sprintf("%s is required for %s", key, k.token),
			})
		}
	}
	return plugin.CheckResponse{Properties: req.News, Failures: failures}, nil
}

func (p *cloudflareProvider) Diff(_ context.Context, req plugin.DiffRequest) (plugin.DiffResponse, error) {
	k, err := kindOf(req.Type)
	if err != nil {
		return plugin.DiffResult{}, err
	}
	keys := map[resource.PropertyKey]bool{}
	for key := range req.OldInputs {
		keys[key] = true
	}
	for key := range req.NewInputs {
		keys[key] = true
	}
	var changed, replace []resource.PropertyKey
	detailed := map[string]plugin.PropertyDiff{}
	for key := range keys {
		if slices.Contains(req.IgnoreChanges, string(key)) {
			continue
		}
		oldV, hadOld := req.OldInputs[key]
		newV, hasNew := req.NewInputs[key]
		hadOld = hadOld && !oldV.IsNull()
		hasNew = hasNew && !newV.IsNull()
		if !hadOld && !hasNew {
			continue
		}
		if hadOld && hasNew && !newV.ContainsUnknowns() && oldV.DeepEquals(newV) {
			continue
		}
		diffKind := plugin.DiffUpdate
		switch {
		case !hadOld:
			diffKind = plugin.DiffAdd
		case !hasNew:
			diffKind = plugin.DiffDelete
		}
		if slices.Contains(k.replaceOn, string(key)) {
			replace = append(replace, key)
			diffKind = replacing[diffKind]
		}
		changed = append(changed, key)
		detailed[string(key)] = plugin.PropertyDiff{Kind: diffKind, InputDiff: true}
	}
	if len(changed) == 0 {
		return plugin.DiffResult{Changes: plugin.DiffNone}, nil
	}
	slices.Sort(changed)
	slices.Sort(replace)
	return plugin.DiffResult{Changes: plugin.DiffSome, ChangedKeys: changed, ReplaceKeys: replace, DetailedDiff: detailed}, nil
}

var replacing = map[plugin.DiffKind]plugin.DiffKind{
	plugin.DiffAdd: plugin.DiffAddReplace, plugin.DiffDelete: plugin.DiffDeleteReplace,
	plugin.DiffUpdate: plugin.DiffUpdateReplace,
}

// state is what the engine records: the previous state, overlaid with the API's answer
// (renamed to SDK names), overlaid with the inputs exactly as given (secrets stay secret).
func state(previous resource.PropertyMap, result any, inputs resource.PropertyMap) resource.PropertyMap {
	out := previous.Copy()
	if m, ok := fromAPI(result).(map[string]any); ok {
		for k, v := range resource.NewPropertyMapFromMap(m) {
			out[k] = v
		}
	}
	for k, v := range inputs {
		out[k] = v
	}
	return out
}

func (k *kind) idFrom(s resource.PropertyMap) (resource.ID, error) {
	v, ok := s[resource.PropertyKey(k.idField)]
	if !ok || !v.IsString() || v.StringValue() == "" {
		return "", fmt.Errorf("the Cloudflare API answer for %s has no %s", k.token, k.idField)
	}
	return resource.ID(v.StringValue()), nil
}

func (p *cloudflareProvider) Create(ctx context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
	k, err := kindOf(req.Type)
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	if req.Preview {
		out := req.Properties.Copy()
		for _, key := range append([]string{k.idField}, k.computed...) {
			if _, set := out[resource.PropertyKey(key)]; !set {
				out[resource.PropertyKey(key)] = resource.MakeComputed(resource.NewStringProperty(""))
			}
		}
		return plugin.CreateResponse{Properties: out}, nil
	}
	c, err := p.api()
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	result, err := k.create(ctx, c, plainMap(req.Properties))
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	out := state(resource.PropertyMap{}, result, req.Properties)
	id, err := k.idFrom(out)
	if err != nil {
		return plugin.CreateResponse{}, err
	}
	return plugin.CreateResponse{ID: id, Properties: out}, nil
}

func (p *cloudflareProvider) Update(ctx context.Context, req plugin.UpdateRequest) (plugin.UpdateResponse, error) {
	k, err := kindOf(req.Type)
	if err != nil {
		return plugin.UpdateResponse{}, err
	}
	if req.Preview {
		return plugin.UpdateResponse{Properties: state(req.OldOutputs, nil, req.NewInputs)}, nil
	}
	c, err := p.api()
	if err != nil {
		return plugin.UpdateResponse{}, err
	}
	result, err := k.update(ctx, c, string(req.ID), plainMap(req.NewInputs))
	if err != nil {
		return plugin.UpdateResponse{}, err
	}
	return plugin.UpdateResponse{Properties: state(req.OldOutputs, result, req.NewInputs)}, nil
}

func (p *cloudflareProvider) Read(ctx context.Context, req plugin.ReadRequest) (plugin.ReadResponse, error) {
	k, err := kindOf(req.Type)
	if err != nil {
		return plugin.ReadResponse{}, err
	}
	c, err := p.api()
	if err != nil {
		return plugin.ReadResponse{}, err
	}
	lookup := plainMap(req.State)
	for key, v := range plainMap(req.Inputs) {
		lookup[key] = v
	}
	result, err := k.read(ctx, c, string(req.ID), lookup)
	if isNotFound(err) {
		// Gone: an empty result tells the engine to drop the resource from the state.
		return plugin.ReadResponse{ReadResult: plugin.ReadResult{}}, nil
	}
	if err != nil {
		return plugin.ReadResponse{}, err
	}
	if k.token == "cloudflare:index/workersScript:WorkersScript" {
		result = nil // its settings answer has another shape than the upload's: existence is what counts
	}
	return plugin.ReadResponse{ReadResult: plugin.ReadResult{
		ID: req.ID, Inputs: req.Inputs, Outputs: state(req.State, result, req.Inputs),
	}}, nil
}

func (p *cloudflareProvider) Delete(ctx context.Context, req plugin.DeleteRequest) (plugin.DeleteResponse, error) {
	k, err := kindOf(req.Type)
	if err != nil {
		return plugin.DeleteResponse{}, err
	}
	c, err := p.api()
	if err != nil {
		return plugin.DeleteResponse{}, err
	}
	in := plainMap(req.Outputs)
	for key, v := range plainMap(req.Inputs) {
		in[key] = v
	}
	if err := k.remove(ctx, c, string(req.ID), in); err != nil && !isNotFound(err) {
		return plugin.DeleteResponse{}, err
	}
	return plugin.DeleteResponse{}, nil
}
