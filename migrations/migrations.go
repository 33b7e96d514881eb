// Package migrations holds affcore's versioned SQL migrations, embedded in the
// binary. Files are goose migrations named NNNNN_topic.sql; each runs in its
// own transaction. Version ranges are reserved per area so parallel work does
// not collide: 1–9 platform, 10–19 identity, 20–29 catalogue and tracking,
// 30–39 conversions, 40–49 plugins, 50–59 ledger and payouts, 60–69 outgoing
// postbacks, 70+ later areas.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
