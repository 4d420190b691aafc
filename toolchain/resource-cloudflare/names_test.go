package main

import (
	"reflect"
	"testing"
)

func TestSnakeAndCamelRoundTrip(t *testing.T) {
	cases := map[string]string{
		"accountId": "account_id", "d1Databases": "d1_databases", "productionBranch": "production_branch",
		"kvNamespaces": "kv_namespaces", "namespaceId": "namespace_id", "name": "name",
		"compatibilityFlags": "compatibility_flags", "keyBase64": "key_base64",
	}
	for sdk, api := range cases {
		if got := snake(sdk); got != api {
			t.Errorf("snake(%q) = %q, want %q", sdk, got, api)
		}
		if got := camel(api); got != sdk {
			t.Errorf("camel(%q) = %q, want %q", api, got, sdk)
		}
	}
}

func TestBindingNamesKeepTheirKeys(t *testing.T) {
	in := map[string]any{
		"productionBranch": "main",
		"deploymentConfigs": map[string]any{"production": map[string]any{
			"d1Databases":  map[string]any{"DB": map[string]any{"id": "u"}},
			"kvNamespaces": map[string]any{"MY_KV": map[string]any{"namespaceId": "n"}},
			"envVars":      map[string]any{"API_URL": map[string]any{"type": "plain_text", "value": "x"}},
		}},
	}
	want := map[string]any{
		"production_branch": "main",
		"deployment_configs": map[string]any{"production": map[string]any{
			"d1_databases":  map[string]any{"DB": map[string]any{"id": "u"}},
			"kv_namespaces": map[string]any{"MY_KV": map[string]any{"namespace_id": "n"}},
			"env_vars":      map[string]any{"API_URL": map[string]any{"type": "plain_text", "value": "x"}},
		}},
	}
	got := toAPI(in)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("toAPI = %#v\nwant %#v", got, want)
	}
	if back := fromAPI(got); !reflect.DeepEqual(back, in) {
		t.Fatalf("fromAPI(toAPI(x)) = %#v\nwant %#v", back, in)
	}
}
