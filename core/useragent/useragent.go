// Package useragent parses User-Agent headers into device type, OS and
// browser with github.com/mileusna/useragent (a hand-written, allocation-light
// parser: no regular expressions, so it suits the click path). Real traffic
// repeats a small set of user agents, so answers are memoised in a bounded
// cache.
package useragent

import (
	"sync"

	ua "github.com/mileusna/useragent"

	"github.com/affcore/affcore/core/click"
)

// Parser implements click.UAParser. It is safe for concurrent use.
type Parser struct {
	mu    sync.RWMutex
	cache map[string]click.Device
	max   int
}

// New returns a parser that memoises up to max distinct user agents
// (0 disables the cache).
func New(max int) *Parser {
	return &Parser{cache: make(map[string]click.Device, max), max: max}
}

// Parse implements click.UAParser.
func (p *Parser) Parse(s string) click.Device {
	if p.max > 0 {
		p.mu.RLock()
		d, ok := p.cache[s]
		p.mu.RUnlock()
		if ok {
			return d
		}
	}
	d := parse(s)
	if p.max > 0 && len(s) <= 512 {
		p.mu.Lock()
		if len(p.cache) >= p.max {
			clear(p.cache) // a crude but bounded eviction: refill from live traffic
		}
		p.cache[s] = d
		p.mu.Unlock()
	}
	return d
}

// parse maps the library's answer to affcore's device vocabulary.
func parse(s string) click.Device {
	u := ua.Parse(s)
	d := click.Device{OS: u.OS, Browser: u.Name, Bot: u.Bot}
	switch {
	case u.Bot:
		d.Type = "bot"
	case u.Tablet:
		d.Type = "tablet"
	case u.Mobile:
		d.Type = "mobile"
	case u.Desktop:
		d.Type = "desktop"
	default:
		d.Type = "other"
	}
	return d
}

var _ click.UAParser = (*Parser)(nil)
