// Command function-space-scaling is a Crossplane composition function that
// turns one XSpaceScaling into everything an Upbound Space needs to run in
// production at scale and with high availability.
package main

import (
	"github.com/alecthomas/kong"
)

// CLI of the function. With no command it serves, as Crossplane runs it.
type CLI struct {
	Debug bool `help:"Emit debug logs in addition to info logs." short:"d"`

	Serve  ServeCmd  `cmd:"" default:"withargs" help:"Serve the function over gRPC (the default)."`
	Render RenderCmd `cmd:"" help:"Print the resources an XR composes, offline, through the same code path."`
	Plan   PlanCmd   `cmd:"" help:"Preview what applying an XR does to a running Space: per composed resource, create, update in place, rolls nodes, refused, forbidden, loses data or delete."`
}

func main() {
	cli := &CLI{}
	ctx := kong.Parse(cli,
		kong.Name("function-space-scaling"),
		kong.Description("A Crossplane composition function that makes an Upbound Space production-ready."),
		kong.UsageOnError())
	ctx.FatalIfErrorf(ctx.Run(cli))
}
