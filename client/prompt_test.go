package mtgo_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

func TestTerminalPrompt(t *testing.T) {
	var out bytes.Buffer
	p := mtgo.NewTerminalPrompt(strings.NewReader("12345\nhunter2\nNeo\n\n"), &out)
	ctx := context.Background()
	code, err := p.Code(ctx, "+1555", mtgo.CodeInfo{Length: 5})
	if err != nil || code != "12345" {
		t.Fatalf("Code = %q, %v", code, err)
	}
	pw, err := p.Password(ctx, "cat")
	if err != nil || pw != "hunter2" {
		t.Fatalf("Password = %q, %v", pw, err)
	}
	first, last, err := p.SignUp(ctx, "Be nice.")
	if err != nil || first != "Neo" || last != "" {
		t.Fatalf("SignUp = %q %q, %v", first, last, err)
	}
	for _, want := range []string{"+1555 (5 digits)", "hint: cat", "Be nice.", "First name"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("prompt output %q lacks %q", out.String(), want)
		}
	}
	if _, err := p.Code(ctx, "+1", mtgo.CodeInfo{}); !errors.Is(err, io.EOF) {
		t.Fatalf("Code at EOF = %v", err)
	}
	r, _ := io.Pipe()
	slow := mtgo.NewTerminalPrompt(r, io.Discard)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := slow.Code(cctx, "+1", mtgo.CodeInfo{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Code with a cancelled context = %v", err)
	}
	r.Close()
}
