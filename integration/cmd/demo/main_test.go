package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestDemoTranscript(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, func(string) string { return "" }); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"auth key exchange done", "logged in with its token as @demo_bot", "login code",
		`alice -> bot: "hello bot"`, `bot -> alice: "echo: hello bot"`, "md5 matches",
		"exported its session string", "still logged in as @demo_bot",
		"client: bot connected", `bot's handler replied "echo: hi from the client"`, "without logging in", "done",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDemoRejectsBadAPIID(t *testing.T) {
	env := map[string]string{"TG_API_ID": "x", "TG_API_HASH": "h", "TG_BOT_TOKEN": "1:t"}
	var out bytes.Buffer
	if err := run(context.Background(), &out, func(k string) string { return env[k] }); err == nil {
		t.Fatal("demo accepted TG_API_ID=x")
	}
}
