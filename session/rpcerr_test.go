package session

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRPCError(t *testing.T) {
	tests := []struct {
		code int
		msg  string
		want RPCError
	}{
		{420, "FLOOD_WAIT_30", RPCError{Code: 420, Message: "FLOOD_WAIT_30", Type: "FLOOD_WAIT", Argument: 30, HasArgument: true}},
		{420, "FLOOD_PREMIUM_WAIT_5", RPCError{Code: 420, Message: "FLOOD_PREMIUM_WAIT_5", Type: "FLOOD_PREMIUM_WAIT", Argument: 5, HasArgument: true}},
		{303, "PHONE_MIGRATE_4", RPCError{Code: 303, Message: "PHONE_MIGRATE_4", Type: "PHONE_MIGRATE", Argument: 4, HasArgument: true}},
		{400, "FILE_PART_3_MISSING", RPCError{Code: 400, Message: "FILE_PART_3_MISSING", Type: "FILE_PART_X_MISSING", Argument: 3, HasArgument: true}},
		{400, "PHONE_CODE_INVALID", RPCError{Code: 400, Message: "PHONE_CODE_INVALID", Type: "PHONE_CODE_INVALID"}},
		{401, "2FA_CONFIRM_WAIT_604800", RPCError{Code: 401, Message: "2FA_CONFIRM_WAIT_604800", Type: "2FA_CONFIRM_WAIT", Argument: 604800, HasArgument: true}},
		{420, "FLOOD_WAIT_99999999999999999999", RPCError{Code: 420, Message: "FLOOD_WAIT_99999999999999999999", Type: "FLOOD_WAIT_99999999999999999999"}},
		{400, "", RPCError{Code: 400}},
		{400, "_", RPCError{Code: 400, Message: "_", Type: "_"}},
		{-503, "Timeout", RPCError{Code: -503, Message: "Timeout", Type: "Timeout"}},
	}
	for _, tt := range tests {
		got := ParseRPCError(tt.code, tt.msg)
		if diff := cmp.Diff(tt.want, *got); diff != "" {
			t.Errorf("ParseRPCError(%d, %q) mismatch (-want +got):\n%s", tt.code, tt.msg, diff)
		}
	}
}

func TestRPCErrorHelpers(t *testing.T) {
	flood := fmt.Errorf("messages.sendMessage: %w", ParseRPCError(420, "FLOOD_WAIT_30"))
	premium := ParseRPCError(420, "FLOOD_PREMIUM_WAIT_7")
	migrate := fmt.Errorf("auth.sendCode: %w", ParseRPCError(303, "PHONE_MIGRATE_4"))
	plain := ParseRPCError(400, "PEER_ID_INVALID")
	internal := ParseRPCError(500, "INTERNAL")

	type result struct {
		Wait      time.Duration
		IsFlood   bool
		DC        int
		IsMigrate bool
		Temporary bool
	}
	tests := []struct {
		name string
		err  error
		want result
	}{
		{"flood", flood, result{Wait: 30 * time.Second, IsFlood: true, Temporary: true}},
		{"premium", premium, result{Wait: 7 * time.Second, IsFlood: true, Temporary: true}},
		{"migrate", migrate, result{DC: 4, IsMigrate: true}},
		{"plain", plain, result{}},
		{"internal", internal, result{Temporary: true}},
		{"other", errors.New("x"), result{}},
	}
	for _, tt := range tests {
		var got result
		got.Wait, got.IsFlood = FloodWait(tt.err)
		got.DC, got.IsMigrate = MigrateDC(tt.err)
		if e, ok := AsRPCError(tt.err); ok {
			got.Temporary = e.Temporary()
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestRPCErrorIs(t *testing.T) {
	err := fmt.Errorf("call: %w", ParseRPCError(420, "FLOOD_WAIT_30"))
	tests := []struct {
		target error
		want   bool
	}{
		{&RPCError{Code: 420}, true},
		{&RPCError{Type: "FLOOD_WAIT"}, true},
		{&RPCError{Code: 420, Type: "FLOOD_WAIT", Argument: 30}, true},
		{&RPCError{Code: 400}, false},
		{&RPCError{Type: "FLOOD_PREMIUM_WAIT"}, false},
		{&RPCError{Argument: 31}, false},
		{errors.New("FLOOD_WAIT_30"), false},
	}
	for _, tt := range tests {
		if got := errors.Is(err, tt.target); got != tt.want {
			t.Errorf("errors.Is(%v, %v) = %v, want %v", err, tt.target, got, tt.want)
		}
	}
	if !IsType(err, "PEER_ID_INVALID", "FLOOD_WAIT") || IsType(err, "PEER_ID_INVALID") || IsType(errors.New("x"), "X") {
		t.Error("IsType mismatch")
	}
	if got, want := err.Error(), "call: rpc error 420: FLOOD_WAIT_30"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func FuzzParseRPCError(f *testing.F) {
	for _, s := range []string{"FLOOD_WAIT_30", "FILE_PART_3_MISSING", "", "_", "A_1_2", "X_-1"} {
		f.Add(400, s)
	}
	f.Fuzz(func(t *testing.T, code int, msg string) {
		e := ParseRPCError(code, msg)
		if e.Message != msg || e.Code != code {
			t.Fatalf("lost input: %+v", e)
		}
		if !e.HasArgument && e.Type != msg {
			t.Fatalf("type %q changed without an argument", e.Type)
		}
		if e.Argument < 0 {
			t.Fatalf("negative argument %d", e.Argument)
		}
	})
}
