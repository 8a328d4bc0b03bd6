package mtgo

import (
	"context"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestUpdateReceivedAllocs: the update path pays nothing for the hooks, registered or not
// (beyond what a hook itself allocates).
func TestUpdateReceivedAllocs(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	u := &tg.UpdateShort{Update: &tg.UpdateUserStatus{UserID: 1, Status: &tg.UserStatusEmpty{}}}
	var n int
	for _, tc := range []struct {
		name string
		add  func()
	}{
		{"no hooks", func() {}},
		{"one hook", func() { c.OnUpdateReceived(func(context.Context, tg.UpdatesClass) { n++ }) }},
	} {
		tc.add()
		if a := testing.AllocsPerRun(100, func() { c.updateReceived(ctx, u) }); a != 0 {
			t.Errorf("%s: %v allocations per batch", tc.name, a)
		}
	}
	if n == 0 {
		t.Error("the hook never ran")
	}
}
