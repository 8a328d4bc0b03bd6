package session

import (
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/proxy"
)

func TestReconnectPolicyGiveUp(t *testing.T) {
	down := errors.New("network down")
	refused := fmt.Errorf("dial: %w", proxy.ErrAuth)
	badHost := fmt.Errorf("dial through socks5: %w", transport.ErrHost)
	tests := []struct {
		name        string
		policy      ReconnectPolicy
		failures    int
		established bool
		err         error
		want        bool
	}{
		{"default below the limit", ReconnectPolicy{}, 7, false, down, false},
		{"default at the limit", ReconnectPolicy{}, 8, false, down, true},
		{"default at the limit, was up", ReconnectPolicy{}, 8, true, down, true},
		{"persistent, first connection", ReconnectPolicy{Persistent: true}, 8, false, down, true},
		{"persistent, was up", ReconnectPolicy{Persistent: true}, 1 << 20, true, down, false},
		{"user limit, persistent", ReconnectPolicy{MaxAttempts: 3, Persistent: true}, 3, false, down, true},
		{"user limit", ReconnectPolicy{MaxAttempts: 3}, 3, true, down, true},
		{"never", ReconnectPolicy{MaxAttempts: -1}, 1 << 20, false, down, false},
		{"proxy refused, never", ReconnectPolicy{MaxAttempts: -1}, 1, false, refused, true},
		{"proxy refused, was up", ReconnectPolicy{Persistent: true}, 1, true, refused, true},
		{"bad host, never", ReconnectPolicy{MaxAttempts: -1}, 1, false, badHost, true},
		{"bad host, was up", ReconnectPolicy{Persistent: true}, 1, true, badHost, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.policy
			p.setDefaults()
			if got := p.giveUp(tt.failures, tt.established, tt.err); got != tt.want {
				t.Errorf("giveUp(%d, %v, %v) = %v, want %v", tt.failures, tt.established, tt.err, got, tt.want)
			}
		})
	}
}

// TestLossLevel: the first failures of a loss are logged at info, then only every power of
// two: an outage of a day (some 2900 attempts at the 30 s cap) leaves about a dozen records.
func TestLossLevel(t *testing.T) {
	info := 0
	for n := 1; n <= 2900; n++ {
		if lossLevel(n) == slog.LevelInfo {
			info++
		}
	}
	if want := quietAfter + 8; info != want { // 16, 32, ..., 2048
		t.Errorf("%d info records over 2900 failures, want %d", info, want)
	}
}

// TestBindRefused: which failed bindings count as refusals (two in a row after one was
// accepted end Run): the server's refusals, not a failure to hear the answer nor an answer
// that says to try later.
func TestBindRefused(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"rpc error", fmt.Errorf("%w: %w", ErrBind, ParseRPCError(400, "ENCRYPTED_MESSAGE_INVALID")), true},
		{"key unregistered", fmt.Errorf("%w: %w", ErrBind, ParseRPCError(401, "AUTH_KEY_UNREGISTERED")), true},
		{"boolFalse", fmt.Errorf("%w: %w", ErrBind, errBindAnswer), true},
		{"flood wait", fmt.Errorf("%w: %w", ErrBind, ParseRPCError(420, "FLOOD_WAIT_3")), false},
		{"server error", fmt.Errorf("%w: %w", ErrBind, ParseRPCError(500, "INTERNAL")), false},
		{"server timeout", fmt.Errorf("%w: %w", ErrBind, ParseRPCError(-503, "Timeout")), false},
		{"call failed", fmt.Errorf("%w: %w", ErrBind, errors.New("bad_msg_notification")), false},
		{"connection broke", fmt.Errorf("session: read: %w", errors.New("EOF")), false},
		{"rpc error of a call", ParseRPCError(400, "PEER_ID_INVALID"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bindRefused(tt.err); got != tt.want {
				t.Errorf("bindRefused(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
