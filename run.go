package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

const usage = `affcore — self-hosted platform for private affiliate programs

usage:
  affcore [serve] [flags]     run the server (the default command)
  affcore migrate [up|status] apply or list database migrations
  affcore host --tenant T     run a dedicated plugin host for one tenant (--nats URL)
  affcore plugin keygen|bundle|verify   sign and check plugin bundles
  affcore version             print the version

Run 'affcore serve -h' for the settings; each flag also has an environment variable.
`

// run is the whole program; main only supplies the process's context, args,
// environment and output streams, so tests can call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd, rest := "serve", args[1:]
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = rest[0], rest[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, rest, getenv, stderr)
	case "migrate":
		err = runMigrate(ctx, rest, getenv, stdout, stderr)
	case "host":
		err = runHost(ctx, rest, getenv, stderr)
	case "plugin":
		err = runPlugin(rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "affcore", version())
	case "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprint(stderr, usage)
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// version reports the module version recorded by the Go toolchain.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
