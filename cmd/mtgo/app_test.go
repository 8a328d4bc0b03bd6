package main

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

func TestParseMessageRef(t *testing.T) {
	for _, c := range []struct {
		in   string
		chat any
		id   int
		bad  bool
	}{
		{in: "https://t.me/durov/42", chat: "@durov", id: 42},
		{in: "https://t.me/c/1234/7", chat: int64(-1000000001234), id: 7},
		{in: "t.me/durov/42", chat: "@durov", id: 42},
		{in: "@durov/3", chat: "@durov", id: 3},
		{in: "me/9", chat: "me", id: 9},
		{in: "123456/1", chat: int64(123456), id: 1},
		{in: "-1001234/1", chat: int64(-1001234), id: 1},
		{in: "durov", bad: true},
		{in: "durov/x", bad: true},
		{in: "durov/0", bad: true},
		{in: "/5", bad: true},
		{in: "https://t.me/c/0/5", bad: true},
		{in: "https://t.me/c/-5/5", bad: true},
		{in: "https://t.me/c/9223372036854775807/5", bad: true}, // -10^12-id wraps to a user id
		{in: "https://t.me/c/name/5", bad: true},
	} {
		chat, id, err := parseMessageRef(c.in)
		if c.bad {
			if exitCode(err) != exitUsage {
				t.Errorf("%q: got %v, want a usage error", c.in, err)
			}
			continue
		}
		if err != nil || id != c.id || !cmp.Equal(chat, c.chat) {
			t.Errorf("%q = %v, %d, %v; want %v, %d", c.in, chat, id, err, c.chat, c.id)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errors.New("boom"), exitFailure},
		{usagef("bad"), exitUsage},
		{fmt.Errorf("wrapped: %w", usagef("bad")), exitUsage},
		{authError{errors.New("no")}, exitAuth},
		{mtgo.ErrNoLoginMethod, exitAuth},
		{fmt.Errorf("x: %w", context.Canceled), exitCanceled},
		{context.DeadlineExceeded, exitCanceled},
	} {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if got := oneLine(errors.New("a\nb\t c")); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
}
