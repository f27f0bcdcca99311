package main

import (
	"time"

	function "github.com/crossplane/function-sdk-go"

	"github.com/crossplane-contrib/function-space-scaling/fn"
)

// ServeCmd serves the function.
type ServeCmd struct {
	Network            string        `default:"tcp" help:"Network on which to listen for gRPC connections."`
	Address            string        `default:":9443" help:"Address at which to listen for gRPC connections."`
	TLSCertsDir        string        `env:"TLS_SERVER_CERTS_DIR" help:"Directory containing server certs (tls.key, tls.crt) and the CA used to verify client certificates (ca.crt)."`
	Insecure           bool          `help:"Run without mTLS credentials. If you supply this flag --tls-certs-dir will be ignored."`
	MaxRecvMessageSize int           `default:"4" help:"Maximum size of received messages in MiB."`
	MetricsAddress     string        `default:":8080" help:"Address of the Prometheus metrics server; empty turns it off."`
	TTL                time.Duration `default:"1m" help:"How long Crossplane may cache a response."`
}

// Run serves the function until the process is stopped.
func (c *ServeCmd) Run(cli *CLI) error {
	log, err := function.NewLogger(cli.Debug)
	if err != nil {
		return err
	}
	return function.Serve(fn.New(fn.WithLogger(log), fn.WithTTL(c.TTL)),
		function.Listen(c.Network, c.Address),
		function.MTLSCertificates(c.TLSCertsDir),
		function.Insecure(c.Insecure),
		function.MaxRecvMessageSize(c.MaxRecvMessageSize*1024*1024),
		function.WithMetricsServer(c.MetricsAddress))
}
