// Command perf measures the function the way Crossplane calls it.
//
//	go run ./test/perf capture   records the requests the real engine sends
//	                             (crossplane composition render) into
//	                             fn/testdata/requests, create and steady state
//	go run ./test/perf load      serves the function and a canned server over
//	                             loopback plaintext gRPC and mTLS and calls
//	                             both side by side
//	go run ./test/perf growth    CPU per call as the XR composes more
//	                             resources and the observed state grows to
//	                             the 4 MiB message limit
//
// `make perf` runs the benchmarks and the load comparison in one go; the
// docs/performance.md explains the numbers.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: perf capture|load|growth [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "capture":
		err = capture(os.Args[2:])
	case "load":
		err = load(os.Args[2:])
	case "growth":
		err = growth(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want capture, load or growth", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		os.Exit(1)
	}
}
