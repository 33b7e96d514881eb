// Command affcore is the one binary of the affcore affiliate platform:
// `affcore serve` runs the whole product (API, tracking, workers, plugin host,
// and by default a private PostgreSQL cluster and an embedded NATS server).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "affcore:", err)
		stop()
		os.Exit(1)
	}
}
