package hosts

import "context"

// Server is a Loader that can tell whether it serves an installation.
type Server interface {
	Loader
	Serves(inst Installation) bool
}

// Prefer loads an installation with Primary when Primary serves it, and
// with Fallback otherwise. The server uses it to run first-party plugins
// compiled into the binary in process (hosts/inproc) for the exact version
// the binary was built with, and every other plugin and version in Wasm.
type Prefer struct {
	Primary  Server
	Fallback Loader
}

// Load implements Loader.
func (p Prefer) Load(ctx context.Context, inst Installation) (Plugin, error) {
	if p.Primary != nil && p.Primary.Serves(inst) {
		return p.Primary.Load(ctx, inst)
	}
	return p.Fallback.Load(ctx, inst)
}
