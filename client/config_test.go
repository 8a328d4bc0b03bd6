package mtgo_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/fx"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
)

func TestNewClientValidation(t *testing.T) {
	mem := func(edit func(*mtgo.Config)) *mtgo.Config {
		cfg := mtgo.DefaultConfig
		cfg.InMemory = true
		if edit != nil {
			edit(&cfg)
		}
		return &cfg
	}
	tests := []struct {
		name    string
		apiID   int
		apiHash string
		cfg     *mtgo.Config
		want    error
	}{
		{"no api id", 0, "hash", mem(nil), mtgo.ErrAPIIDRequired},
		{"negative api id", -1, "hash", mem(nil), mtgo.ErrAPIIDRequired},
		{"no api hash", 1, "", mem(nil), mtgo.ErrAPIHashRequired},
		{"nil config has no storage", 1, "hash", nil, mtgo.ErrNoStorage},
		{"zero config has no storage", 1, "hash", &mtgo.Config{}, mtgo.ErrNoStorage},
		{"unknown parse mode", 1, "hash", mem(func(c *mtgo.Config) { c.ParseMode = 7 }), mtgo.ErrUnknownParseMode},
		{"negative workers", 1, "hash", mem(func(c *mtgo.Config) { c.Workers = -2 }), mtgo.ErrInvalidConfig},
		{"negative durable queue limit", 1, "hash", mem(func(c *mtgo.Config) { c.MaxDurableUpdates = -1 }), mtgo.ErrInvalidConfig},
		{"bad proxy scheme", 1, "hash", mem(func(c *mtgo.Config) { c.Proxy = "ftp://h:1" }), mtgo.ErrInvalidProxy},
		{"proxy without port", 1, "hash", mem(func(c *mtgo.Config) { c.Proxy = "socks5://host" }), mtgo.ErrProxyParamsRequired},
		{"mtproxy without secret", 1, "hash", mem(func(c *mtgo.Config) { c.MTProxy = "tg://proxy?server=h&port=1" }), mtgo.ErrInvalidProxy},
		{"both proxies", 1, "hash", mem(func(c *mtgo.Config) {
			c.Proxy = "socks5://h:1"
			c.MTProxy = "tg://proxy?server=h&port=1&secret=00112233445566778899aabbccddeeff"
		}), mtgo.ErrInvalidProxy},
		{"bad dc address", 1, "hash", mem(func(c *mtgo.Config) { c.DCAddrs = map[int]string{0: "x:1"} }), mtgo.ErrInvalidConfig},
		{"bad session string", 1, "hash", mem(func(c *mtgo.Config) { c.SessionString = "garbage" }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := mtgo.NewClient(tt.apiID, tt.apiHash, tt.cfg)
			if c != nil {
				c.Stop()
			}
			if tt.want == nil {
				if err == nil {
					t.Fatal("NewClient succeeded, want an error")
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("NewClient error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestNewClientValidProxies(t *testing.T) {
	for _, p := range []struct{ proxy, mtproxy string }{
		{proxy: "socks5://user:pass@127.0.0.1:1080"},
		{proxy: "socks4://127.0.0.1:1080"},
		{proxy: "http://127.0.0.1:3128"},
		{mtproxy: "tg://proxy?server=127.0.0.1&port=443&secret=00112233445566778899aabbccddeeff"},
		{mtproxy: "https://t.me/socks?server=127.0.0.1&port=1080"},
	} {
		cfg := mtgo.DefaultConfig
		cfg.InMemory = true
		cfg.Proxy, cfg.MTProxy = p.proxy, p.mtproxy
		c, err := mtgo.NewClient(1, "hash", &cfg)
		if err != nil {
			t.Errorf("NewClient with %+v: %v", p, err)
			continue
		}
		c.Stop()
	}
}

// TestZeroConfigIsDefault checks that zero fields take the defaults, so Config{} and
// DefaultConfig configure the same client.
func TestZeroConfigIsDefault(t *testing.T) {
	zero, err := mtgo.NewClient(1, "hash", &mtgo.Config{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer zero.Stop()
	dc := mtgo.DefaultConfig
	dc.InMemory = true
	def, err := mtgo.NewClient(1, "hash", &dc)
	if err != nil {
		t.Fatal(err)
	}
	defer def.Stop()
	type view struct {
		Workers, ParseMode, MaxTrans, MaxCache int
		Sleep                                  time.Duration
		TestMode, IPv6, NoUpdates              bool
		Device                                 mtgo.DeviceConfig
		RequestTimeout                         time.Duration
	}
	see := func(c *mtgo.Client) view {
		cfg := c.Config()
		return view{c.Workers(), c.ParseMode(), c.MaxConcurrentTransmissions(), c.MaxMessageCacheSize(),
			c.SleepThreshold(), c.TestMode(), c.IPv6(), c.NoUpdates(), cfg.Device, cfg.RequestTimeout}
	}
	if diff := cmp.Diff(see(def), see(zero)); diff != "" {
		t.Fatalf("zero config differs from DefaultConfig (-default +zero):\n%s", diff)
	}
	if zero.SleepThreshold() != mtgo.DefaultSleepThreshold || zero.Workers() <= 0 {
		t.Fatalf("defaults not applied: sleep %v workers %d", zero.SleepThreshold(), zero.Workers())
	}
}

func TestAccessors(t *testing.T) {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.SessionName = "acc"
	cfg.Workers = 3
	cfg.TestMode = true
	cfg.IPv6 = true
	cfg.NoUpdates = true
	cfg.ParseMode = mtgo.ParseModeHTML
	cfg.SleepThreshold = time.Minute
	cfg.MaxConcurrentTransmissions = 4
	cfg.MaxMessageCacheSize = 99
	cfg.BotToken = "1:abc"
	c, err := mtgo.NewClient(77, "hash77", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	got := []any{c.APIID(), c.APIHash(), c.DC(), c.SessionName(), c.BotToken(), c.TestMode(), c.IPv6(),
		c.NoUpdates(), c.Workers(), c.ParseMode(), c.SleepThreshold(), c.MaxConcurrentTransmissions(),
		c.MaxMessageCacheSize(), c.IsBot(), c.IsConnected(), c.Me() == nil}
	want := []any{77, "hash77", 0, "acc", "1:abc", true, true, true, 3, mtgo.ParseModeHTML, time.Minute, 4, 99, true, false, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("accessors (-want +got):\n%s", diff)
	}
	// Config returns a copy.
	cp := c.Config()
	cp.Workers = 100
	if c.Workers() != 3 {
		t.Fatal("changing the copy from Config changed the client")
	}
	c.SetBotToken("2:def")
	if c.BotToken() != "2:def" {
		t.Fatalf("BotToken after SetBotToken = %q", c.BotToken())
	}
}

func TestLoggerSilentByDefaultAndLevelled(t *testing.T) {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if c.Log.Enabled(slog.LevelError) {
		t.Fatal("default logger is enabled")
	}
	c.Log.Error("nothing happens", "k", 1)

	var buf bytes.Buffer
	cfg.Log = mtgo.LogConfig{Handler: slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), Level: slog.LevelWarn}
	c2, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Stop()
	c2.Log.Info("hidden", "k", 1)
	c2.Log.Warn("shown", "dc", 2)
	out := buf.String()
	if strings.Contains(out, "hidden") || !strings.Contains(out, "shown") || !strings.Contains(out, "dc=2") {
		t.Fatalf("log output = %q", out)
	}
}

func TestNotConnectedErrors(t *testing.T) {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Disconnect(); !errors.Is(err, mtgo.ErrNotConnected) {
		t.Fatalf("Disconnect before Connect = %v", err)
	}
	if _, err := c.Invoke(nil, 0, 0); err == nil {
		t.Fatal("Invoke(nil) succeeded")
	}
	if err := c.LogOut(); !errors.Is(err, mtgo.ErrNotConnected) {
		t.Fatalf("LogOut before Connect = %v", err)
	}
	if _, err := c.ExportSessionString(); err == nil {
		t.Fatal("ExportSessionString before any key succeeded")
	}
	c.Stop()
	c.Stop() // twice is fine
	if err := c.ConnectContext(context.Background()); !errors.Is(err, mtgo.ErrClientClosed) {
		t.Fatalf("Connect after Stop = %v", err)
	}
}

func TestReplaceStorageSkipsTheDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unused")
	cfg := mtgo.DefaultConfig
	cfg.SessionName = path
	st := storage.NewInMemory()
	cfg.FxOptions = []fx.Option{mtgo.ReplaceStorage(st)}
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if c.Storage() != mtgo.Storage(st) {
		t.Fatal("Storage() is not the replacement")
	}
	if _, err := os.Stat(storage.SessionPath(path)); !os.IsNotExist(err) {
		t.Fatalf("the default session file was opened: %v", err)
	}
}
