package hosts

import (
	"context"

	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// ReasonPluginUnavailable is added to a click's reasons when a scoring
// plugin failed or missed the deadline and the previous score stood.
const ReasonPluginUnavailable = "plugin_unavailable"

// chainClick runs several click-scoring installations in priority order,
// each refining the previous score. A failing plugin is skipped (fail open).
func (d *Dispatcher) chainClick(ctx context.Context, insts []Installation, in []byte) ([]byte, error) {
	var facts hook.ClickInput
	if err := facts.UnmarshalMsg(in); err != nil {
		return nil, hostError("invalid_input", false, "click facts: %v", err)
	}
	score := hook.ClickScore{Score: facts.BuiltinScore, Reasons: facts.BuiltinReasons}
	buf := in
	for i, inst := range insts {
		if i > 0 {
			facts.BuiltinScore, facts.BuiltinReasons = score.Score, score.Reasons
			buf = facts.AppendMsg(buf[:0:0])
		}
		out, err := d.CallInstallation(ctx, inst, abi.HookClickScore, buf)
		var s hook.ClickScore
		if err == nil {
			err = s.UnmarshalMsg(out)
		}
		if err != nil {
			score.Reasons = append(score.Reasons, ReasonPluginUnavailable+":"+inst.PluginID)
			continue
		}
		score = Clamp(s)
	}
	return score.AppendMsg(nil), nil
}

// Clamp keeps a plugin's score within 0–100.
func Clamp(s hook.ClickScore) hook.ClickScore {
	s.Score = min(max(s.Score, 0), 100)
	return s
}
