package mtp

import (
	"bytes"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"testing"
)

// TestUnpackBudgetPerPacket: one packet of 256 gzip_packed items, each inflating to the largest
// message allowed, inflates only until the packet's budget is spent; the rest, and a gzipped
// answer behind them, are rejected with a clear error, and the allocation stays near the budget.
func TestUnpackBudgetPerPacket(t *testing.T) {
	const maxMsg = 1 << 20
	var logs bytes.Buffer
	p := newPair(t, func(c, _ *Config) {
		c.MaxMessageSize = maxMsg
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	call := p.call(body(1, 0), CallOptions{})
	p.flushC()
	reqID := p.c.MsgID(call)

	big := make([]byte, maxMsg) // an update of zeros: about 1 KiB gzipped
	le.PutUint32(big, 0x12345678)
	packed, ok := gzipPacked(big)
	if !ok {
		t.Fatal("gzip failed")
	}
	small, _ := gzipPacked(body(2, 1))
	const items = 256
	container := le.AppendUint32(le.AppendUint32(nil, idMsgContainer), items+1)
	id := msgIDAt(p.serverNow()) | idServerOther
	for range items {
		container = appendItem(container, id, 1, packed)
		id += 4
	}
	container = appendItem(container, id&^3|idServerAnswer, 1, rpcResult(reqID, small))
	plain := le.AppendUint64(nil, testSalt)
	plain = le.AppendUint64(plain, testSession)
	plain = p.c.appendHeader(plain, id+4, 2, len(container))
	plain = append(plain, container...)

	p.c.events = p.c.events[:0]
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	p.c.receivePlain(p.now, plain)
	runtime.ReadMemStats(&after)

	budget := p.c.cfg.MaxUnpackedPerPacket
	if budget != UnpackBudgetFactor*maxMsg {
		t.Fatalf("budget = %d, want %d", budget, UnpackBudgetFactor*maxMsg)
	}
	if got := len(only(p.c.events, EventUpdate)); got != budget/maxMsg {
		t.Errorf("%d updates unpacked, want %d", got, budget/maxMsg)
	}
	failed := only(p.c.events, EventFailed)
	if len(failed) != 1 || !errors.Is(failed[0].Err, ErrUnpack) || !strings.Contains(failed[0].Err.Error(), "budget") {
		t.Errorf("gzipped answer past the budget: %v, want one call failed with ErrUnpack naming the budget", failed)
	}
	if n := strings.Count(logs.String(), "decompression budget"); n != items-budget/maxMsg {
		t.Errorf("%d items dropped for the budget, want %d", n, items-budget/maxMsg)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > uint64(budget)+1<<20 {
		t.Errorf("packet allocated %d bytes, budget %d", got, budget)
	}
}
