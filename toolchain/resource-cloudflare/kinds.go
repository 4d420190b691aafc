package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
)

// kind describes one resource type: how to call the API for it and which changes replace it.
type kind struct {
	token     string
	required  []string // SDK inputs that must be set
	replaceOn []string // SDK inputs whose change needs a new resource
	computed  []string // SDK outputs known only after the API answered
	idField   string   // SDK output that is the resource id
	create    func(ctx context.Context, c *apiClient, in map[string]any) (any, error)
	read      func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error)
	update    func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error)
	remove    func(ctx context.Context, c *apiClient, id string, in map[string]any) error
}

func account(in map[string]any) string { return url.PathEscape(stringOf(in, "accountId")) }

var kinds = map[string]*kind{}

func register(k *kind) { kinds[k.token] = k }

func init() {
	register(&kind{
		token:     "cloudflare:index/d1Database:D1Database",
		required:  []string{"accountId", "name"},
		replaceOn: []string{"accountId", "name", "jurisdiction", "primaryLocationHint"},
		computed:  []string{"uuid", "createdAt", "fileSize", "numTables", "version"},
		idField:   "uuid",
		create: func(ctx context.Context, c *apiClient, in map[string]any) (any, error) {
			created, err := c.call(ctx, "POST", "/accounts/"+account(in)+"/d1/database",
				toAPI(without(in, "accountId", "readReplication")))
			if err != nil || in["readReplication"] == nil {
				return created, err
			}
			uuid, _ := fromAPI(created).(map[string]any)["uuid"].(string)
			return c.call(ctx, "PUT", "/accounts/"+account(in)+"/d1/database/"+url.PathEscape(uuid),
				map[string]any{"read_replication": toAPI(in["readReplication"])})
		},
		read: func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error) {
			return c.call(ctx, "GET", "/accounts/"+account(in)+"/d1/database/"+url.PathEscape(id), nil)
		},
		update: func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error) {
			if in["readReplication"] == nil {
				return c.call(ctx, "GET", "/accounts/"+account(in)+"/d1/database/"+url.PathEscape(id), nil)
			}
			return c.call(ctx, "PUT", "/accounts/"+account(in)+"/d1/database/"+url.PathEscape(id),
				map[string]any{"read_replication": toAPI(in["readReplication"])})
		},
		remove: func(ctx context.Context, c *apiClient, id string, in map[string]any) error {
			_, err := c.call(ctx, "DELETE", "/accounts/"+account(in)+"/d1/database/"+url.PathEscape(id), nil)
			return err
		},
	})

	register(&kind{
		token:     "cloudflare:index/workersKvNamespace:WorkersKvNamespace",
		required:  []string{"accountId", "title"},
		replaceOn: []string{"accountId"},
		computed:  []string{"supportsUrlEncoding"},
		idField:   "id",
		create: func(ctx context.Context, c *apiClient, in map[string]any) (any, error) {
			return c.call(ctx, "POST", "/accounts/"+account(in)+"/storage/kv/namespaces",
				map[string]any{"title": in["title"]})
		},
		read: func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error) {
			return c.call(ctx, "GET", "/accounts/"+account(in)+"/storage/kv/namespaces/"+url.PathEscape(id), nil)
		},
		update: func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error) {
			path := "/accounts/" + account(in) + "/storage/kv/namespaces/" + url.PathEscape(id)
			if _, err := c.call(ctx, "PUT", path, map[string]any{"title": in["title"]}); err != nil {
				return nil, err
			}
			return c.call(ctx, "GET", path, nil)
		},
		remove: func(ctx context.Context, c *apiClient, id string, in map[string]any) error {
			_, err := c.call(ctx, "DELETE", "/accounts/"+account(in)+"/storage/kv/namespaces/"+url.PathEscape(id), nil)
			return err
		},
	})

	register(&kind{
		token:     "cloudflare:index/pagesProject:PagesProject",
		required:  []string{"accountId", "name", "productionBranch"},
		replaceOn: []string{"accountId", "name"},
		computed: []string{
			"subdomain", "domains", "createdOn", "canonicalDeployment", "latestDeployment", "framework",
			"frameworkVersion", "previewScriptName", "productionScriptName", "usesFunctions",
		},
		idField: "name",
		create: func(ctx context.Context, c *apiClient, in map[string]any) (any, error) {
			return c.call(ctx, "POST", "/accounts/"+account(in)+"/pages/projects", toAPI(without(in, "accountId")))
		},
		read: func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error) {
			return c.call(ctx, "GET", "/accounts/"+account(in)+"/pages/projects/"+url.PathEscape(id), nil)
		},
		update: func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error) {
			return c.call(ctx, "PATCH", "/accounts/"+account(in)+"/pages/projects/"+url.PathEscape(id),
				toAPI(without(in, "accountId", "name")))
		},
		remove: func(ctx context.Context, c *apiClient, id string, in map[string]any) error {
			_, err := c.call(ctx, "DELETE", "/accounts/"+account(in)+"/pages/projects/"+url.PathEscape(id), nil)
			return err
		},
	})

	putScript := func(ctx context.Context, c *apiClient, in map[string]any) (any, error) {
		name := stringOf(in, "scriptName")
		content, err := scriptContent(in)
		if err != nil {
			return nil, err
		}
		meta := toAPI(without(in, "accountId", "scriptName", "content", "contentFile", "contentSha256", "contentType")).(map[string]any)
		part, ctype := stringOf(in, "mainModule"), "application/javascript+module"
		if part == "" {
			part, ctype = stringOf(in, "bodyPart"), "application/javascript"
		}
		if part == "" {
			part = "worker.js"
			meta["main_module"] = part
		}
		if t := stringOf(in, "contentType"); t != "" {
			ctype = t
		}
		return c.upload(ctx, "PUT", "/accounts/"+account(in)+"/workers/scripts/"+url.PathEscape(name), meta,
			[]filePart{{field: part, filename: part, contentType: ctype, content: content}})
	}
	register(&kind{
		token:     "cloudflare:index/workersScript:WorkersScript",
		required:  []string{"accountId", "scriptName"},
		replaceOn: []string{"accountId", "scriptName"},
		computed:  []string{"etag", "createdOn", "modifiedOn", "hasAssets", "hasModules", "handlers", "startupTimeMs"},
		idField:   "scriptName",
		create:    putScript,
		read: func(ctx context.Context, c *apiClient, id string, in map[string]any) (any, error) {
			return c.call(ctx, "GET", "/accounts/"+account(in)+"/workers/scripts/"+url.PathEscape(id)+"/settings", nil)
		},
		update: func(ctx context.Context, c *apiClient, _ string, in map[string]any) (any, error) {
			return putScript(ctx, c, in)
		},
		remove: func(ctx context.Context, c *apiClient, id string, in map[string]any) error {
			_, err := c.call(ctx, "DELETE", "/accounts/"+account(in)+"/workers/scripts/"+url.PathEscape(id), nil)
			return err
		},
	})
}

func scriptContent(in map[string]any) ([]byte, error) {
	if s, ok := in["content"].(string); ok {
		return []byte(s), nil
	}
	if f := stringOf(in, "contentFile"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading contentFile: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("WorkersScript needs content or contentFile")
}
