package teletest

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind: every cluster and client is closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
