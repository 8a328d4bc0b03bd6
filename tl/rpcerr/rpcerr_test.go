package rpcerr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		code int
		msg  string
		want Error
	}{
		{420, "FLOOD_WAIT_30", Error{Code: 420, Message: "FLOOD_WAIT_30", Type: "FLOOD_WAIT", Argument: 30, HasArgument: true}},
		{420, "FLOOD_PREMIUM_WAIT_5", Error{Code: 420, Message: "FLOOD_PREMIUM_WAIT_5", Type: "FLOOD_PREMIUM_WAIT", Argument: 5, HasArgument: true}},
		{303, "PHONE_MIGRATE_4", Error{Code: 303, Message: "PHONE_MIGRATE_4", Type: "PHONE_MIGRATE", Argument: 4, HasArgument: true}},
		{400, "FILE_PART_3_MISSING", Error{Code: 400, Message: "FILE_PART_3_MISSING", Type: "FILE_PART_X_MISSING", Argument: 3, HasArgument: true}},
		{400, "PHONE_CODE_INVALID", Error{Code: 400, Message: "PHONE_CODE_INVALID", Type: "PHONE_CODE_INVALID"}},
		{401, "2FA_CONFIRM_WAIT_604800", Error{Code: 401, Message: "2FA_CONFIRM_WAIT_604800", Type: "2FA_CONFIRM_WAIT", Argument: 604800, HasArgument: true}},
		{420, "FLOOD_WAIT_99999999999999999999", Error{Code: 420, Message: "FLOOD_WAIT_99999999999999999999", Type: "FLOOD_WAIT_99999999999999999999"}},
		{400, "A_1_2", Error{Code: 400, Message: "A_1_2", Type: "A_X_2", Argument: 1, HasArgument: true}},
		{400, "7", Error{Code: 400, Message: "7", Type: "", Argument: 7, HasArgument: true}},
		{400, "7_A", Error{Code: 400, Message: "7_A", Type: "X_A", Argument: 7, HasArgument: true}},
		{400, "A__1", Error{Code: 400, Message: "A__1", Type: "A_", Argument: 1, HasArgument: true}},
		{400, "X_-1", Error{Code: 400, Message: "X_-1", Type: "X_-1"}},
		{400, "", Error{Code: 400}},
		{400, "_", Error{Code: 400, Message: "_", Type: "_"}},
		{-503, "Timeout", Error{Code: -503, Message: "Timeout", Type: "Timeout"}},
	}
	for _, tt := range tests {
		got := Parse(tt.code, tt.msg)
		if diff := cmp.Diff(tt.want, *got); diff != "" {
			t.Errorf("Parse(%d, %q) mismatch (-want +got):\n%s", tt.code, tt.msg, diff)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		code int
		typ  string
		arg  int
		want string // Message
	}{
		{420, "FLOOD_WAIT", 30, "FLOOD_WAIT_30"},
		{303, "FILE_MIGRATE", 4, "FILE_MIGRATE_4"},
		{400, "FILE_PART_X_MISSING", 3, "FILE_PART_3_MISSING"},
		{400, "A_X", 5, "A_X_5"}, // a trailing X field is part of the type, not the number
		{400, "X_A", 5, "5_A"},   // a leading one is the number
		{400, "", 9, "9"},        // the whole message is the number
		{420, "FLOOD_WAIT", -1, "FLOOD_WAIT_0"},
	}
	for _, tt := range tests {
		got := New(tt.code, tt.typ, tt.arg)
		want := Parse(tt.code, tt.want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("New(%d, %q, %d) mismatch (-want +got):\n%s", tt.code, tt.typ, tt.arg, diff)
		}
	}
}

func TestHelpers(t *testing.T) {
	flood := fmt.Errorf("messages.sendMessage: %w", Parse(420, "FLOOD_WAIT_30"))
	premium := Parse(420, "FLOOD_PREMIUM_WAIT_7")
	migrate := fmt.Errorf("auth.sendCode: %w", Parse(303, "PHONE_MIGRATE_4"))
	plain := Parse(400, "PEER_ID_INVALID")
	internal := Parse(500, "INTERNAL")
	timeout := Parse(-503, "Timeout")

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
		{"migrate to 0", Parse(303, "FILE_MIGRATE_0"), result{}},
		{"plain", plain, result{}},
		{"internal", internal, result{Temporary: true}},
		{"timeout", timeout, result{Temporary: true}},
		{"huge wait", Parse(420, "FLOOD_WAIT_9223372036854775807"), result{Wait: MaxWait, IsFlood: true, Temporary: true}},
		{"other", errors.New("x"), result{}},
		{"nil", nil, result{}},
	}
	for _, tt := range tests {
		var got result
		got.Wait, got.IsFlood = FloodWait(tt.err)
		got.DC, got.IsMigrate = MigrateDC(tt.err)
		if e, ok := As(tt.err); ok {
			got.Temporary = e.Temporary()
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestIs(t *testing.T) {
	err := fmt.Errorf("call: %w", Parse(420, "FLOOD_WAIT_30"))
	tests := []struct {
		target error
		want   bool
	}{
		{&Error{Code: 420}, true},
		{&Error{Type: "FLOOD_WAIT"}, true},
		{&Error{Code: 420, Type: "FLOOD_WAIT", Argument: 30}, true},
		{&Error{}, true},
		{&Error{Code: 400}, false},
		{&Error{Type: "FLOOD_PREMIUM_WAIT"}, false},
		{&Error{Argument: 31}, false},
		{(*Error)(nil), false},
		{errors.New("FLOOD_WAIT_30"), false},
	}
	for _, tt := range tests {
		if got := errors.Is(err, tt.target); got != tt.want {
			t.Errorf("errors.Is(%v, %#v) = %v, want %v", err, tt.target, got, tt.want)
		}
	}
	if !IsType(err, "PEER_ID_INVALID", "FLOOD_WAIT") || IsType(err, "PEER_ID_INVALID") || IsType(errors.New("x"), "X") {
		t.Error("IsType mismatch")
	}
	if got, want := err.Error(), "call: rpc error 420: FLOOD_WAIT_30"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var typed *Error
	if _, ok := As(typed); ok {
		t.Error("As found a nil *Error")
	}
}

func TestClassify(t *testing.T) {
	wrap := func(e *Error) error { return fmt.Errorf("upload.getFile: %w", e) }
	tests := []struct {
		name string
		err  error
		want Decision // Err is checked separately
		rpc  bool     // Decision.Err is set
	}{
		{"flood", wrap(Parse(420, "FLOOD_WAIT_30")), Decision{Action: ActionWait, Wait: 30 * time.Second}, true},
		{"premium flood", Parse(420, "FLOOD_PREMIUM_WAIT_3"), Decision{Action: ActionWait, Wait: 3 * time.Second}, true},
		{"slow mode", Parse(420, "SLOWMODE_WAIT_60"), Decision{Action: ActionWait, Wait: time.Minute}, true},
		{"flood zero", Parse(420, "FLOOD_WAIT_0"), Decision{Action: ActionWait}, true},
		{"flood overflow", Parse(420, "FLOOD_WAIT_9223372036854775807"), Decision{Action: ActionWait, Wait: MaxWait}, true},
		{"flood without number", Parse(420, "FLOOD_WAIT"), Decision{Action: ActionFail}, true},
		{"phone migrate", Parse(303, "PHONE_MIGRATE_2"), Decision{Action: ActionMigrate, DC: 2}, true},
		{"network migrate", Parse(303, "NETWORK_MIGRATE_3"), Decision{Action: ActionMigrate, DC: 3}, true},
		{"user migrate", Parse(303, "USER_MIGRATE_5"), Decision{Action: ActionMigrate, DC: 5}, true},
		{"file migrate", wrap(Parse(303, "FILE_MIGRATE_4")), Decision{Action: ActionMigrate, DC: 4}, true},
		{"stats migrate", Parse(303, "STATS_MIGRATE_1"), Decision{Action: ActionMigrate, DC: 1}, true},
		{"migrate to dc 0", Parse(303, "FILE_MIGRATE_0"), Decision{Action: ActionFail}, true},
		{"internal", Parse(500, "INTERNAL"), Decision{Action: ActionRetry}, true},
		{"other 5xx", Parse(503, "SERVICE_UNAVAILABLE"), Decision{Action: ActionRetry}, true},
		{"timeout", Parse(-503, "Timeout"), Decision{Action: ActionRetry}, true},
		{"bad request", Parse(400, "PEER_ID_INVALID"), Decision{Action: ActionFail}, true},
		{"unauthorized", Parse(401, "AUTH_KEY_UNREGISTERED"), Decision{Action: ActionFail}, true},
		{"not rpc", errors.New("connection reset"), Decision{Action: ActionFail}, false},
		{"nil", nil, Decision{}, false},
	}
	for _, tt := range tests {
		got := Classify(tt.err)
		if (got.Err != nil) != tt.rpc {
			t.Errorf("%s: Err = %v, want set %v", tt.name, got.Err, tt.rpc)
		}
		if tt.rpc && !errors.Is(tt.err, got.Err) {
			t.Errorf("%s: Err %v is not the error's RPC error", tt.name, got.Err)
		}
		got.Err = nil
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Classify mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestWaitWithin(t *testing.T) {
	wait := func(d time.Duration) Decision { return Decision{Action: ActionWait, Wait: d} }
	tests := []struct {
		d         Decision
		threshold time.Duration
		want      bool
	}{
		{wait(5 * time.Second), 10 * time.Second, true},
		{wait(10 * time.Second), 10 * time.Second, true},
		{wait(11 * time.Second), 10 * time.Second, false},
		{wait(0), 0, true},
		{wait(0), -1, false},
		{Decision{Action: ActionRetry}, time.Hour, false},
	}
	for _, tt := range tests {
		if got := tt.d.WaitWithin(tt.threshold); got != tt.want {
			t.Errorf("%+v.WaitWithin(%s) = %v, want %v", tt.d, tt.threshold, got, tt.want)
		}
	}
}

func TestActionString(t *testing.T) {
	var got []string
	for a := ActionFail; a <= ActionMigrate+1; a++ {
		got = append(got, a.String())
	}
	if diff := cmp.Diff([]string{"fail", "retry", "wait", "migrate", "action(4)"}, got); diff != "" {
		t.Errorf("Action.String mismatch (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"FLOOD_WAIT_30", "FILE_PART_3_MISSING", "", "_", "A_1_2", "X_-1", "7", "A__1", "FILE_MIGRATE_99999999999999999999"} {
		f.Add(400, s)
	}
	f.Fuzz(func(t *testing.T, code int, msg string) {
		e := Parse(code, msg)
		if e.Message != msg || e.Code != code {
			t.Fatalf("lost input: %+v", e)
		}
		if !e.HasArgument && (e.Type != msg || e.Argument != 0) {
			t.Fatalf("type %q or argument %d changed without a number", e.Type, e.Argument)
		}
		if e.Argument < 0 {
			t.Fatalf("negative argument %d", e.Argument)
		}
		if len(e.Type) > len(msg) {
			t.Fatalf("type %q longer than the message %q", e.Type, msg)
		}
		d := Classify(e)
		if d.Wait < 0 || (d.Action == ActionMigrate) != (d.DC > 0) || d.Err != e {
			t.Fatalf("Classify(%q) = %+v", msg, d)
		}
		if !e.HasArgument || strings.ContainsAny(e.Type, "0123456789") {
			return // New cannot tell a second number apart from the type
		}
		// New writes back what Parse read: same type and number.
		back := New(code, e.Type, e.Argument)
		if back.Type != e.Type || back.Argument != e.Argument || !back.HasArgument {
			t.Fatalf("New(%d, %q, %d) = %+v, parsed from %q", code, e.Type, e.Argument, back, msg)
		}
	})
}
