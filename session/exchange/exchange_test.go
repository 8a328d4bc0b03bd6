package exchange

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pipeConns returns the two ends of an in-memory transport connection (intermediate framing).
func pipeConns(tb testing.TB) (client, server transport.Conn) {
	tb.Helper()
	a, b := transporttest.Pipe()
	c, err := transport.NewClientConn(a, transport.ClientOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	s, err := transport.NewServerConn(b, transport.ServerOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

type runResult struct {
	res Result
	err error
}

// runBoth runs RunServer in a goroutine and RunClient in the caller and returns both results.
func runBoth(ctx context.Context, tb testing.TB, cc ClientConfig, sc ServerConfig) (client, server runResult) {
	c, s := pipeConns(tb)
	done := make(chan runResult, 1)
	go func() {
		r, err := RunServer(ctx, s, sc)
		if err != nil {
			s.Close() // the client is waiting for an answer that will not come
		}
		done <- runResult{r, err}
	}()
	client.res, client.err = RunClient(ctx, c, cc)
	if client.err != nil {
		c.Close()
	}
	server = <-done
	return client, server
}

func TestRunClientServer(t *testing.T) {
	for _, tc := range []struct {
		name string
		dc   int
		temp time.Duration
	}{
		{"permanent with dc", 2, 0},
		{"permanent test dc", 10002, 0},
		{"media dc", -4, 0},
		{"legacy without dc", 0, 0},
		{"temporary with dc", 2, 24 * time.Hour},
		{"temporary without dc", 0, time.Hour + 500*time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := testConfigs(t, 7)
			cc.DC, cc.Temp = tc.dc, tc.temp
			client, server := runBoth(context.Background(), t, cc, sc)
			if client.err != nil || server.err != nil {
				t.Fatalf("client: %v, server: %v", client.err, server.err)
			}
			if client.res.AuthKey.IsZero() {
				t.Fatal("zero auth key")
			}
			want := Result{AuthKey: client.res.AuthKey, ServerSalt: client.res.ServerSalt, DC: tc.dc}
			if tc.temp > 0 {
				want.ExpiresAt = testNow.Add(tc.temp.Truncate(time.Second))
			}
			if diff := cmp.Diff(want, client.res); diff != "" {
				t.Errorf("client result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, server.res); diff != "" {
				t.Errorf("server result (-want +got):\n%s", diff)
			}
			if got := client.res.Temp(); got != (tc.temp > 0) {
				t.Errorf("Temp() = %v", got)
			}
		})
	}
}

func TestRunLogs(t *testing.T) {
	cc, sc := testConfigs(t, 3)
	var cbuf, sbuf bytes.Buffer
	cc.Logger = slog.New(slog.NewTextHandler(&cbuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sc.Logger = slog.New(slog.NewTextHandler(&sbuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, server := runBoth(context.Background(), t, cc, sc)
	if client.err != nil || server.err != nil {
		t.Fatalf("client: %v, server: %v", client.err, server.err)
	}
	for _, want := range []string{"type=req_pq_multi", "type=resPQ", "type=req_DH_params", "type=server_DH_params_ok",
		"type=set_client_DH_params", "type=dh_gen_ok", "auth key created"} {
		if !strings.Contains(cbuf.String(), want) || !strings.Contains(sbuf.String(), want) {
			t.Errorf("logs lack %q:\nclient:\n%s\nserver:\n%s", want, cbuf.String(), sbuf.String())
		}
	}
}

func TestRunTimeOffset(t *testing.T) {
	cc, sc := testConfigs(t, 3)
	sc.Now = func() time.Time { return testNow.Add(10 * time.Minute) }
	cc.Now = func() time.Time { return testNow }
	client, server := runBoth(context.Background(), t, cc, sc)
	if client.err != nil || server.err != nil {
		t.Fatalf("client: %v, server: %v", client.err, server.err)
	}
	if client.res.TimeOffset != 10*time.Minute {
		t.Errorf("TimeOffset = %v, want 10m", client.res.TimeOffset)
	}
}

// TestRunServerTimeRefused: a server_time the engine could not follow (the epoch, past
// 2037-12-20, or a local clock a Duration cannot reach) fails the exchange with ErrServerTime
// and mtp.ErrClockOffset. It was taken as it came: an offset of some 292 years saturated the
// engine's msg_ids. Plausible times far from the local clock are taken.
func TestRunServerTimeRefused(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	for _, tc := range []struct {
		name          string
		local, server time.Time
		refused       bool
	}{
		{"ten minutes ahead", testNow, testNow.Add(10 * time.Minute), false},
		{"local clock in 1970", time.Unix(90, 0), testNow, false},
		{"server in 2000", testNow, date(2000, 1, 1), false},
		{"server at the epoch", testNow, time.Unix(0, 0), true},
		{"server before 1970", testNow, date(1960, 1, 1), true},
		{"server in the last month of 2^31 s", testNow, date(2038, 1, 10), true},
		{"local clock in year 9999", date(9999, 12, 31), testNow, true},
		{"local clock in year 1", date(1, 1, 2), testNow, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := testConfigs(t, 3)
			sc.Now = func() time.Time { return tc.server }
			cc.Now = func() time.Time { return tc.local }
			client, _, err := runSteps(cc, sc)
			if !tc.refused {
				if err != nil {
					t.Fatal(err)
				}
				if want := tc.server.Sub(tc.local); client.TimeOffset != want {
					t.Errorf("TimeOffset = %v, want %v", client.TimeOffset, want)
				}
				return
			}
			if !errors.Is(err, ErrServerTime) || !errors.Is(err, mtp.ErrClockOffset) {
				t.Fatalf("err = %v (offset %v), want ErrServerTime and mtp.ErrClockOffset",
					err, client.TimeOffset)
			}
		})
	}
}

func TestRunDeterministic(t *testing.T) {
	var keys [2]crypto.AuthKey
	for i := range keys {
		cc, sc := testConfigs(t, 11)
		client, _ := runBoth(context.Background(), t, cc, sc)
		if client.err != nil {
			t.Fatal(client.err)
		}
		keys[i] = client.res.AuthKey
	}
	if keys[0] != keys[1] {
		t.Error("same seeds gave different keys")
	}
	cc, sc := testConfigs(t, 12)
	client, _ := runBoth(context.Background(), t, cc, sc)
	if client.err != nil || client.res.AuthKey == keys[0] {
		t.Errorf("other seeds: %v, same key %v", client.err, client.res.AuthKey == keys[0])
	}
}

func TestRunRetry(t *testing.T) {
	for _, tc := range []struct {
		name    string
		taken   int // how many keys the server refuses
		max     int
		wantErr error
	}{
		{"one retry", 1, 0, nil},
		{"up to the limit", 3, 3, nil},
		{"over the limit", 4, 3, ErrRetryLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := testConfigs(t, 5)
			cc.MaxRetries = tc.max
			var refused []crypto.AuthKey
			seen := map[[8]byte]bool{}
			sc.KeyTaken = func(id [8]byte) bool {
				if seen[id] {
					t.Errorf("key %x offered twice", id)
				}
				seen[id] = true
				if len(seen) <= tc.taken {
					refused = append(refused, crypto.AuthKey{ID: id})
					return true
				}
				return false
			}
			client, server := runBoth(context.Background(), t, cc, sc)
			if !errors.Is(client.err, tc.wantErr) {
				t.Fatalf("client error = %v, want %v", client.err, tc.wantErr)
			}
			if tc.wantErr != nil {
				return
			}
			if server.err != nil {
				t.Fatal(server.err)
			}
			if client.res.AuthKey != server.res.AuthKey {
				t.Error("client and server keys differ")
			}
			for _, k := range refused {
				if k.ID == client.res.AuthKey.ID {
					t.Error("a refused key was kept")
				}
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	cc, _ := testConfigs(t, 1)
	c, s := pipeConns(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := RunClient(ctx, c, cc)
		done <- err
	}()
	if _, err := s.ReadPacket(); err != nil { // req_pq_multi arrives; the server stays silent
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("RunClient = %v, want context.Canceled", err)
	}
	if err := c.WritePacket([]byte{0, 0, 0, 0}); err == nil {
		t.Error("connection still open after cancellation")
	}
}

func TestRunServerRejectsEncrypted(t *testing.T) {
	_, sc := testConfigs(t, 1)
	c, s := pipeConns(t)
	if err := c.WritePacket(make([]byte, 64)); err != nil {
		t.Fatal(err)
	}
	pkt := make([]byte, 40)
	pkt[0] = 1 // a non-zero auth_key_id
	if err := c.WritePacket(pkt); err != nil {
		t.Fatal(err)
	}
	_, err := RunServer(context.Background(), s, sc)
	if !errors.Is(err, ErrFraming) && !errors.Is(err, ErrUnexpectedMessage) {
		t.Fatalf("RunServer = %v, want a framing error", err)
	}
}

func TestConfigErrors(t *testing.T) {
	cc, sc := testConfigs(t, 1)
	for name, c := range map[string]ClientConfig{
		"no keys":      {Rand: cc.Rand},
		"no rand":      {Keys: cc.Keys},
		"negative ttl": {Keys: cc.Keys, Rand: cc.Rand, Temp: -time.Second},
		"huge ttl":     {Keys: cc.Keys, Rand: cc.Rand, Temp: 1 << 62},
		"negative max": {Keys: cc.Keys, Rand: cc.Rand, MaxRetries: -1},
	} {
		if _, err := NewClient(c); !errors.Is(err, ErrConfig) {
			t.Errorf("client %s: %v, want ErrConfig", name, err)
		}
	}
	for name, c := range map[string]ServerConfig{
		"no key":      {Rand: sc.Rand},
		"no rand":     {Key: sc.Key},
		"bad g":       {Key: sc.Key, Rand: sc.Rand, G: 2}, // the known prime is 3 mod 8
		"g too big":   {Key: sc.Key, Rand: sc.Rand, G: 9},
		"small prime": {Key: sc.Key, Rand: sc.Rand, DHPrime: big.NewInt(23)},
		"composite":   {Key: sc.Key, Rand: sc.Rand, DHPrime: new(big.Int).Sub(crypto.KnownDHPrime, big.NewInt(2))},
	} {
		if _, err := NewServer(c); !errors.Is(err, ErrConfig) {
			t.Errorf("server %s: %v, want ErrConfig", name, err)
		}
	}
	s, err := NewServer(ServerConfig{Key: sc.Key, Rand: sc.Rand})
	if err != nil {
		t.Fatal(err)
	}
	if s.cfg.G != 3 || s.cfg.DHPrime != crypto.KnownDHPrime {
		t.Errorf("defaults: g %d, prime default %v", s.cfg.G, s.cfg.DHPrime == crypto.KnownDHPrime)
	}
}
