package services

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestPanickingHandlerAnswersInternal(t *testing.T) {
	h := newHarness(t)
	var logged syncBuffer
	d, err := New(Options{World: h.w, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	// A test-only registration standing for a handler with a bug.
	d.Register(tg.HelpGetNearestDCRequestTypeID, func(context.Context, *Caller, tl.Object) (tl.Encoder, error) {
		panic("handler bug")
	})
	c := h.conn(2)
	tests := []struct {
		name string
		req  tl.Object
	}{
		{"direct", &tg.HelpGetNearestDCRequest{}},
		{"wrapped", wrapped(&tg.HelpGetNearestDCRequest{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.Handle(ctx(), c.caller, tt.req)
			wantRPC(t, err, ErrHandlerPanic)
		})
	}
	out := logged.String()
	for _, want := range []string{"level=ERROR", "help.getNearestDc", "handler bug", "panic_test.go"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	// The dispatcher keeps serving other methods.
	res, err := d.Handle(ctx(), c.caller, &tg.HelpGetConfigRequest{})
	if err != nil || res == nil {
		t.Fatalf("help.getConfig after a panic = %v, %v", res, err)
	}
}
