package main

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// plainMap turns engine properties into plain JSON-like values: secrets unwrapped, unknowns nil.
func plainMap(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if p := plainValue(v); p != nil {
			out[string(k)] = p
		}
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return plainValue(v.SecretValue().Element)
	case v.IsOutput():
		if !v.OutputValue().Known {
			return nil
		}
		return plainValue(v.OutputValue().Element)
	case v.IsComputed(), v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, 0, len(arr))
		for _, e := range arr {
			out = append(out, plainValue(e))
		}
		return out
	case v.IsObject():
		return plainMap(v.ObjectValue())
	case v.IsResourceReference():
		ref := v.ResourceReferenceValue()
		if id, ok := ref.IDString(); ok {
			return id
		}
		return string(ref.URN)
	default:
		return nil
	}
}

// known reports whether a property is set to a value that is fully known.
func known(m resource.PropertyMap, key string) bool {
	v, ok := m[resource.PropertyKey(key)]
	return ok && !v.IsNull() && !v.ContainsUnknowns()
}

func stringOf(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// without returns a copy of m minus keys.
func without(m map[string]any, keys ...string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}
