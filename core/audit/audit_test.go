package audit_test

import (
	"testing"

	"github.com/affcore/affcore/core/audit"
)

func TestRedact(t *testing.T) {
	m := audit.Redact(map[string]any{"name": "ok", "password": "hunter2", "secrets": map[string]any{"api_key": "x"},
		"config": map[string]any{"token": "t", "level": 3}})
	if m["name"] != "ok" || m["password"] != "[redacted]" || m["secrets"] != "[redacted]" {
		t.Errorf("redact = %v", m)
	}
	cfg := m["config"].(map[string]any)
	if cfg["token"] != "[redacted]" || cfg["level"] != 3 {
		t.Errorf("nested redact = %v", cfg)
	}
}
