package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines and the test, which it
// signals on every write.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{} // closed and replaced on every write; nil until first waited on
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wrote != nil {
		close(s.wrote)
		s.wrote = nil
	}
	return s.b.Write(p)
}

// waitFor blocks until the output contains want (true) or ctx ends (false).
func (s *syncBuffer) waitFor(ctx context.Context, want string) bool {
	for {
		s.mu.Lock()
		found := strings.Contains(s.b.String(), want)
		if s.wrote == nil {
			s.wrote = make(chan struct{})
		}
		wrote := s.wrote
		s.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-wrote:
		case <-ctx.Done():
			return false
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServePrintsHowToConnect(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, []string{"-dcs", "2", "-ws", "-cdn"}, &out, nil) }()
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	if !out.waitFor(wctx, "Ctrl-C") {
		t.Fatalf("no banner; output so far:\n%s", out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	got := out.String()
	for _, want := range []string{"DC 1  tcp 127.0.0.1:", "DC 2  tcp 127.0.0.1:", "ws ws://127.0.0.1:", "BEGIN RSA PUBLIC KEY", "@test_bot  token ", "phone 9996621234", "CDN data center 203 on 127.0.0.1:", "stopping"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	var out syncBuffer
	if err := serve(context.Background(), []string{"-dcs", "x"}, &out, nil); err == nil {
		t.Fatal("serve accepted -dcs x")
	}
}

// TestBotTokens: every bot given with -bot gets a printed token that logs in over MTProto;
// a token of the right shape for a bot that does not exist gets ACCESS_TOKEN_INVALID.
func TestBotTokens(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	started := make(chan *teletest.Cluster, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"-dcs", "1", "-bot", "weather_bot", "-bot", "quiz_bot"}, &out, func(cl *teletest.Cluster) { started <- cl })
	}()
	var cl *teletest.Cluster
	select {
	case cl = <-started:
	case err := <-done:
		t.Fatalf("serve: %v\n%s", err, out.String())
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	tokens := map[string]string{}
	for _, m := range regexp.MustCompile(`Bot  @(\S+)  token (\S+)`).FindAllStringSubmatch(out.String(), -1) {
		tokens[m[1]] = m[2]
	}
	keys, err := crypto.ParsePublicKeys([]byte(out.String()))
	if err != nil || len(keys) == 0 {
		t.Fatalf("no key in the banner (%v):\n%s", err, out.String())
	}
	for _, tc := range []struct {
		name, token, err string
	}{
		{name: "test_bot", token: tokens["test_bot"]},
		{name: "weather_bot", token: tokens["weather_bot"]},
		{name: "quiz_bot", token: tokens["quiz_bot"]},
		{name: "unknown bot", token: "1234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0", err: "ACCESS_TOKEN_INVALID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.token == "" {
				t.Fatalf("no token printed for @%s:\n%s", tc.name, out.String())
			}
			conn, err := session.New(session.Options{
				Session:    session.Session{DC: 1, Addr: cl.Addr(1)},
				PublicKeys: keys,
				Init:       &session.InitConnection{Layer: teletest.Layer, APIID: 1, DeviceModel: "testdc", SystemVersion: "go", AppVersion: "1", SystemLangCode: "en", LangCode: "en"},
			})
			if err != nil {
				t.Fatal(err)
			}
			rctx, rcancel := context.WithCancel(ctx)
			ran := make(chan error, 1)
			go func() { ran <- conn.Run(rctx) }()
			defer func() { rcancel(); <-ran }()
			cctx, ccancel := context.WithTimeout(ctx, 20*time.Second)
			defer ccancel()
			res, err := tg.NewClient(conn).AuthImportBotAuthorization(cctx, &tg.AuthImportBotAuthorizationRequest{APIID: 1, APIHash: "x", BotAuthToken: tc.token})
			if tc.err != "" {
				if rpcErr, ok := rpcerr.As(err); !ok || rpcErr.Message != tc.err {
					t.Fatalf("got %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			auth, ok := res.(*tg.AuthAuthorization)
			if !ok {
				t.Fatalf("got %T", res)
			}
			if u, ok := auth.User.(*tg.User); !ok || u.Username.Value != tc.name || !u.Bot {
				t.Fatalf("logged in as %+v, want the bot @%s", auth.User, tc.name)
			}
		})
	}
}
