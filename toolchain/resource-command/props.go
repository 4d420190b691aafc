package main

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// plain unwraps secrets (and outputs) so the command sees the real value.
func plain(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput() && v.OutputValue().Known:
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

func stringInput(m resource.PropertyMap, key resource.PropertyKey) (string, bool) {
	v, ok := m[key]
	if !ok {
		return "", false
	}
	v = plain(v)
	if !v.IsString() {
		return "", false
	}
	return v.StringValue(), true
}

func boolInput(m resource.PropertyMap, key resource.PropertyKey) (bool, bool) {
	v, ok := m[key]
	if !ok {
		return false, false
	}
	v = plain(v)
	if !v.IsBool() {
		return false, false
	}
	return v.BoolValue(), true
}

func stringList(m resource.PropertyMap, key resource.PropertyKey) []string {
	v, ok := m[key]
	if !ok {
		return nil
	}
	v = plain(v)
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e = plain(e); e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

func stringMap(m resource.PropertyMap, key resource.PropertyKey) map[string]string {
	v, ok := m[key]
	if !ok {
		return nil
	}
	v = plain(v)
	if !v.IsObject() {
		return nil
	}
	out := map[string]string{}
	for k, e := range v.ObjectValue() {
		if e = plain(e); e.IsString() {
			out[string(k)] = e.StringValue()
		}
	}
	return out
}
