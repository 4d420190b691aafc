// A provider binary holding only the four resources the stack uses, built from the v5.19.1 sources, so the
// emulator can be checked against the real resource code without compiling the whole provider.
package main

import (
	"context"
	"log"
	"os"

	"github.com/cloudflare/cloudflare-go/v6"
	"github.com/cloudflare/cloudflare-go/v6/option"
	"github.com/cloudflare/terraform-provider-cloudflare/internal/services/d1_database"
	"github.com/cloudflare/terraform-provider-cloudflare/internal/services/pages_project"
	"github.com/cloudflare/terraform-provider-cloudflare/internal/services/workers_kv_namespace"
	"github.com/cloudflare/terraform-provider-cloudflare/internal/services/workers_script"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type mini struct{}

type model struct {
	APIToken types.String `tfsdk:"api_token"`
	BaseURL  types.String `tfsdk:"base_url"`
}

func (p *mini) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cloudflare"
	resp.Version = "5.19.1-mini"
}

func (p *mini) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"api_token": schema.StringAttribute{Optional: true, Sensitive: true},
		"base_url":  schema.StringAttribute{Optional: true},
	}}
}

func (p *mini) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var data model
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	opts := []option.RequestOption{}
	if !data.BaseURL.IsNull() {
		opts = append(opts, option.WithBaseURL(data.BaseURL.ValueString()))
	} else if o, ok := os.LookupEnv("CLOUDFLARE_BASE_URL"); ok {
		opts = append(opts, option.WithBaseURL(o))
	}
	if !data.APIToken.IsNull() {
		opts = append(opts, option.WithAPIToken(data.APIToken.ValueString()))
	} else if o, ok := os.LookupEnv("CLOUDFLARE_API_TOKEN"); ok {
		opts = append(opts, option.WithAPIToken(o))
	}
	client := cloudflare.NewClient(opts...)
	resp.DataSourceData = client
	resp.ResourceData = client
}

func (p *mini) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		d1_database.NewResource,
		workers_kv_namespace.NewResource,
		pages_project.NewResource,
		workers_script.NewResource,
	}
}

func (p *mini) DataSources(_ context.Context) []func() datasource.DataSource { return nil }

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &mini{} }, providerserver.ServeOpts{
		Address: "registry.terraform.io/cloudflare/cloudflare",
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
