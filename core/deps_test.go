package core_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// The dependency rules of the house style (STYLE.md §3.2): which package may
// import what. The test lists every package's transitive dependencies with
// `go list -deps` and fails on any banned import, naming the rule.

const mod = "github.com/affcore/affcore"

// kernel packages every domain package may use.
var kernel = map[string]bool{mod + "/core": true, mod + "/core/access": true, mod + "/core/event": true}

// adapters are the core packages that talk to the outside world; everything
// else under core/ is a domain package.
var adapters = map[string]bool{
	"postgres": true, "natsbus": true, "pgserver": true, "coretest": true, "datadir": true, "secret": true,
	"geo": true, "useragent": true, "outbound": true, "mailer": true,
	// delivery sends outgoing postbacks: JetStream consumers and the outbound HTTP client.
	"delivery": true,
}

type rule struct {
	applies func(pkg string) bool
	banned  []string // import path prefixes; "std-only" bans every non-standard import
	why     string
}

var infra = []string{"github.com/jackc/pgx", "github.com/nats-io", "github.com/tetratelabs/wazero", "github.com/go-chi", "net/http"}

func rules() []rule {
	isDomain := func(p string) bool {
		rest, ok := strings.CutPrefix(p, mod+"/core/")
		return ok && !kernel[p] && !adapters[strings.Split(rest, "/")[0]]
	}
	return []rule{
		{func(p string) bool { return p == mod+"/core" }, []string{"std-only"}, "core root imports only the standard library"},
		{func(p string) bool { return p == mod+"/core/access" || p == mod+"/core/event" }, append([]string{"non-kernel"}, infra...), "kernel packages import only std (no net/http) and core"},
		{isDomain, append(infra, mod+"/web", mod+"/hosts", mod+"/core/postgres", mod+"/core/natsbus", "domain-cross"), "domain packages declare interfaces instead of importing adapters, HTTP, the bus, the plugin host or other domains"},
		{func(p string) bool { return p == mod+"/core/postgres" }, []string{mod + "/web", mod + "/hosts", mod + "/core/natsbus"}, "the storage adapter knows nothing of HTTP, plugins or the bus"},
		{func(p string) bool { return p == mod+"/core/natsbus" }, []string{mod + "/web", mod + "/hosts", mod + "/core/postgres", "github.com/jackc/pgx"}, "the bus adapter knows nothing of HTTP, plugins or storage"},
		{func(p string) bool { return strings.HasPrefix(p, mod+"/hosts") }, []string{mod + "/web", mod + "/core/postgres", mod + "/core/natsbus"}, "the plugin host is reached through interfaces"},
		{func(p string) bool {
			return strings.HasPrefix(p, mod+"/hosts") && !strings.HasPrefix(p, mod+"/hosts/wasm")
		}, []string{"github.com/tetratelabs/wazero"}, "only hosts/wasm uses wazero"},
		{func(p string) bool { return strings.HasPrefix(p, mod+"/web") }, []string{mod + "/core/postgres", mod + "/core/natsbus", mod + "/hosts/wasm", "github.com/jackc/pgx", "github.com/nats-io/nats-server"}, "the HTTP layer talks to services, never to storage or the bus directly"},
		{func(p string) bool {
			return strings.HasPrefix(p, mod+"/plugins/") || strings.HasPrefix(p, mod+"/examples/")
		}, []string{mod + "/core", mod + "/hosts", mod + "/web"}, "plugins use only the PDK and the standard library"},
		{func(p string) bool { return p == mod+"/migrations" }, []string{"std-only"}, "migrations only embed SQL"},
		{func(p string) bool {
			return p == mod+"/core/pgserver" || p == mod+"/core/datadir" || p == mod+"/core/secret"
		}, []string{"std-only"}, "small infrastructure packages stay std-only"},
	}
}

func isStd(p string) bool { return !strings.Contains(strings.Split(p, "/")[0], ".") }

func TestDependencyRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-f", "{{.ImportPath}}:{{join .Deps \" \"}}", mod+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<22)
	checked := 0
	for sc.Scan() {
		pkg, deps, _ := strings.Cut(sc.Text(), ":")
		for _, r := range rules() {
			if !r.applies(pkg) {
				continue
			}
			checked++
			for _, dep := range strings.Fields(deps) {
				if violates(pkg, dep, r.banned) {
					t.Errorf("%s imports %s: %s", pkg, dep, r.why)
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d packages checked; the rules match nothing", checked)
	}
}

func violates(pkg, dep string, banned []string) bool {
	for _, b := range banned {
		switch b {
		case "std-only":
			if !isStd(dep) {
				return true
			}
		case "non-kernel":
			if !isStd(dep) && dep != mod+"/core" {
				return true
			}
		case "domain-cross":
			rest, ok := strings.CutPrefix(dep, mod+"/core/")
			if ok && !kernel[dep] && !adapters[strings.Split(rest, "/")[0]] && !strings.HasPrefix(dep, pkg) && !strings.HasPrefix(pkg, dep) {
				return true
			}
		default:
			if dep == b || strings.HasPrefix(dep, b+"/") {
				return true
			}
		}
	}
	return false
}
