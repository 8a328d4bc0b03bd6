package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestScriptedSession runs the bot against the embedded cluster with the scripted user and
// checks every step.
func TestScriptedSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	s, err := runLocal(ctx, &out)
	if err != nil {
		t.Fatalf("session: %v\n%s", err, out.String())
	}
	for _, c := range []struct {
		step      string
		got, want any
	}{
		{"answer to /start", s.StartText, startText},
		{"keyboard", s.Keyboard, []string{"Yes", "Not yet"}},
		{"callback answer", s.CallbackAnswer, callbackText("yes")},
		{"edited message", s.Edited, editedText("yes")},
		{"inline results", s.InlineResults, []string{"Upper case: HELLO WORLD", "Lower case: hello world"}},
		{"conversation", s.Conversation, []string{
			askName, fmt.Sprintf(askAgeFormat, "Ann"), ageNotNumber, fmt.Sprintf(doneFormat, "Ann", 30),
		}},
	} {
		if !equal(c.got, c.want) {
			t.Errorf("%s = %q, want %q", c.step, c.got, c.want)
		}
	}
	if !strings.Contains(out.String(), "done") {
		t.Errorf("transcript does not end:\n%s", out.String())
	}
}

func equal(a, b any) bool {
	if as, ok := a.([]string); ok {
		bs, ok := b.([]string)
		return ok && slices.Equal(as, bs)
	}
	return a == b
}

func TestRunRejectsBadAPIID(t *testing.T) {
	env := map[string]string{"TG_API_ID": "x", "TG_API_HASH": "h", "TG_BOT_TOKEN": "1:t"}
	if err := run(context.Background(), &bytes.Buffer{}, func(k string) string { return env[k] }); err == nil {
		t.Fatal("run accepted TG_API_ID=x")
	}
}
