package main

import (
	"context"
	"net/url"
)

// Resources that route traffic to what the other kinds deploy: a Worker's workers.dev route and a Pages project's
// custom domains.
func init() {
	scriptSubdomain := func(in map[string]any) string {
		return "/accounts/" + account(in) + "/workers/scripts/" + url.PathEscape(stringOf(in, "scriptName")) + "/subdomain"
	}
	setSubdomain := func(ctx context.Context, c *apiClient, in map[string]any) (any, error) {
		body := map[string]any{"enabled": in["enabled"]}
		if previews, ok := in["previewsEnabled"]; ok {
			body["previews_enabled"] = previews
		}
		return c.call(ctx, "POST", scriptSubdomain(in), body)
	}
	register(&kind{
		token:     "cloudflare:index/workersScriptSubdomain:WorkersScriptSubdomain",
		required:  []string{"accountId", "scriptName", "enabled"},
		replaceOn: []string{"accountId", "scriptName"},
		idField:   "scriptName",
		create:    setSubdomain,
		read: func(ctx context.Context, c *apiClient, _ string, in map[string]any) (any, error) {
			return c.call(ctx, "GET", scriptSubdomain(in), nil)
		},
		update: func(ctx context.Context, c *apiClient, _ string, in map[string]any) (any, error) {
			return setSubdomain(ctx, c, in)
		},
		// Removing the resource takes the Worker off workers.dev; a Worker already deleted answers not found,
		// which Delete treats as done.
		remove: func(ctx context.Context, c *apiClient, _ string, in map[string]any) error {
			_, err := c.call(ctx, "POST", scriptSubdomain(in), map[string]any{"enabled": false, "previews_enabled": false})
			return err
		},
	})

	domains := func(in map[string]any) string {
		return "/accounts/" + account(in) + "/pages/projects/" + url.PathEscape(stringOf(in, "projectName")) + "/domains"
	}
	register(&kind{
		token:     "cloudflare:index/pagesDomain:PagesDomain",
		required:  []string{"accountId", "projectName", "name"},
		replaceOn: []string{"accountId", "projectName", "name"},
		computed:  []string{"status", "createdOn", "domainId", "zoneTag"},
		idField:   "name",
		create: func(ctx context.Context, c *apiClient, in map[string]any) (any, error) {
			return c.call(ctx, "POST", domains(in), map[string]any{"name": in["name"]})
		},
		read: func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error) {
			return c.call(ctx, "GET", domains(in)+"/"+url.PathEscape(id), nil)
		},
		update: func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error) {
			return c.call(ctx, "GET", domains(in)+"/"+url.PathEscape(id), nil)
		},
		remove: func(ctx context.Context, c *apiClient, id string, in map[string]any) error {
			_, err := c.call(ctx, "DELETE", domains(in)+"/"+url.PathEscape(id), nil)
			return err
		},
	})
}
