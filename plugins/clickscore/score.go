// Command clickscore is affcore's built-in click-quality scorer as a plugin
// (hook click_score); the rules are in package score. A tenant can tune it
// through its config, replace it, or chain its own scorer after it.
package main

import (
	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/plugins/clickscore/score"
)

// scorer holds this instance's configuration (set by setup).
var scorer, _ = score.New(nil)

// setup parses the installation's configuration once per instance (affcore_init).
func setup(raw []byte) error {
	s, err := score.New(raw)
	if err != nil {
		return pdk.Fail("invalid_config", "%v", err)
	}
	scorer = s
	return nil
}

// Score is the click_score hook.
func Score(in hook.ClickInput) (hook.ClickScore, error) { return scorer.Score(in), nil }

func main() {}
