package web_test

import (
	"testing"

	"github.com/affcore/affcore/core/coretest"
)

func TestMain(m *testing.M) { coretest.Main(m) }
