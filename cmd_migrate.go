package main

import (
	"context"
	"fmt"
	"io"
)

// runMigrate implements `affcore migrate [up|status]`.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	action := "up"
	if len(args) > 0 && (args[0] == "up" || args[0] == "status") {
		action, args = args[0], args[1:]
	}
	cfg, err := parseConfig("migrate", args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	in, err := openData(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer in.close()
	if action == "up" {
		if err := in.db.Migrate(ctx, log); err != nil {
			return err
		}
	}
	st, err := in.db.MigrationStatuses(ctx)
	if err != nil {
		return err
	}
	for _, s := range st {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(stdout, "%05d  %-8s %s\n", s.Version, state, s.Name)
	}
	return in.db.CheckSchemaVersion(ctx)
}
