package web_test

import (
	"testing"

	"github.com/affcore/affcore/core/coretest"
)

// TestMain stops the throwaway PostgreSQL cluster of the API tests that use one.
func TestMain(m *testing.M) { coretest.Main(m) }
