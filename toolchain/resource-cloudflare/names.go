package main

import (
	"strings"
	"unicode"
)

// mapFields hold user-chosen keys (binding names, variable names) that are never renamed.
var mapFields = map[string]bool{
	"ai_bindings": true, "analytics_engine_datasets": true, "browsers": true, "d1_databases": true,
	"durable_object_namespaces": true, "env_vars": true, "hyperdrive_bindings": true, "kv_namespaces": true,
	"mtls_certificates": true, "queue_producers": true, "r2_buckets": true, "services": true,
	"vectorize_bindings": true,
}

// snake turns an SDK property name (camelCase) into the API's field name (snake_case);
// digits stay attached to the word before them (d1Databases -> d1_databases).
func snake(s string) string {
	var b strings.Builder
	runes := []rune(s)
	for i, r := range runes {
		if unicode.IsUpper(r) {
			if i > 0 && (!unicode.IsUpper(runes[i-1]) || (i+1 < len(runes) && unicode.IsLower(runes[i+1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// camel turns an API field name (snake_case) into the SDK's property name (camelCase).
func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// toAPI renames the keys of an SDK value for the API, recursively.
func toAPI(v any) any {
	return rename(v, snake, false)
}

// fromAPI renames the keys of an API value for the SDK, recursively.
func fromAPI(v any) any {
	return rename(v, camel, true)
}

func rename(v any, f func(string) string, apiSide bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			name := f(k)
			apiName := k
			if !apiSide {
				apiName = name
			}
			if mapFields[apiName] {
				out[name] = renameValues(e, f, apiSide)
			} else {
				out[name] = rename(e, f, apiSide)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = rename(e, f, apiSide)
		}
		return out
	default:
		return v
	}
}

// renameValues keeps a map's own keys and renames inside its values.
func renameValues(v any, f func(string) string, apiSide bool) any {
	m, ok := v.(map[string]any)
	if !ok {
		return rename(v, f, apiSide)
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = rename(e, f, apiSide)
	}
	return out
}
