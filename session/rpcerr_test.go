package session

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
)

// The deprecated names are the rpcerr package's: the same type and the same answers. The
// behaviour itself is tested in package rpcerr.
func TestRPCErrorAliases(t *testing.T) {
	var e *RPCError = ParseRPCError(420, "FLOOD_WAIT_30")
	if diff := cmp.Diff(rpcerr.Parse(420, "FLOOD_WAIT_30"), e); diff != "" {
		t.Errorf("ParseRPCError mismatch (-rpcerr +session):\n%s", diff)
	}
	err := fmt.Errorf("call: %w", e)
	var target *rpcerr.Error
	if !errors.As(err, &target) || target != e {
		t.Error("errors.As does not find the session's RPC error as an *rpcerr.Error")
	}
	if got, ok := AsRPCError(err); !ok || got != e {
		t.Errorf("AsRPCError = %v, %v", got, ok)
	}
	if !IsType(err, "FLOOD_WAIT") || IsType(err, "PEER_ID_INVALID") {
		t.Error("IsType mismatch")
	}
	if d, ok := FloodWait(err); !ok || d.Seconds() != 30 {
		t.Errorf("FloodWait = %s, %v", d, ok)
	}
	if dc, ok := MigrateDC(fmt.Errorf("x: %w", ParseRPCError(303, "USER_MIGRATE_2"))); !ok || dc != 2 {
		t.Errorf("MigrateDC = %d, %v", dc, ok)
	}
}
