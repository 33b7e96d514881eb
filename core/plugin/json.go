package plugin

import (
	"bytes"
	"encoding/json"

	"github.com/affcore/affcore/core"
)

func compactJSON(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, core.Invalid("config", "must be valid JSON")
	}
	if buf.Len() == 0 || buf.Bytes()[0] != '{' {
		return nil, core.Invalid("config", "must be a JSON object")
	}
	return buf.Bytes(), nil
}
