package mtgo

import (
	"context"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"go.uber.org/fx"

	"github.com/mtgo-labs/mtgo/client/markup"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/session"
)

// Version is the library version announced to Telegram in initConnection when
// Config.Device.AppVersion is empty.
const Version = "0.1.0"

// Parse modes for Config.ParseMode and the ParseMode send option.
const (
	// ParseModeNone sends text as it is, without entities (the default).
	ParseModeNone = markup.None
	// ParseModeMarkdown reads **bold**, __italic__, ~~strike~~, ||spoiler||, `code`,
	// ```pre``` and [text](url) from the text.
	ParseModeMarkdown = markup.Markdown
	// ParseModeHTML reads <b>, <i>, <u>, <s>, <code>, <pre> (with <code
	// class="language-x">), <a href>, <tg-spoiler>, <tg-emoji emoji-id>, <blockquote> and
	// <blockquote expandable> from the text.
	ParseModeHTML = markup.HTML
	// ParseModeMarkdownV2 reads the Bot API's strict MarkdownV2: *bold*, _italic_,
	// __underline__, ~strike~, ||spoiler||, `code`, ```pre```, [text](url),
	// ![👍](tg://emoji?id=N) and '>' quotes; a reserved character that is not markup must
	// be escaped (an error names its byte offset: *markup.SyntaxError).
	ParseModeMarkdownV2 = markup.MarkdownV2
)

// Defaults used for zero Config fields.
const (
	// DefaultDC is the data center a client without a stored session connects to first.
	DefaultDC = 2
	// DefaultSleepThreshold is the longest FLOOD_WAIT Invoke sleeps through by itself.
	DefaultSleepThreshold = 10 * time.Second
	// DefaultRequestTimeout is the per-attempt timeout of Invoke when its timeout is 0.
	DefaultRequestTimeout = 60 * time.Second
	// DefaultMaxConcurrentTransmissions bounds parallel file transfers.
	DefaultMaxConcurrentTransmissions = 1
	// DefaultMaxMessageCacheSize is the number of messages kept in the message cache.
	DefaultMaxMessageCacheSize = 10000
	// DefaultSessionIdleTimeout is how long an unused per-DC session stays open.
	DefaultSessionIdleTimeout = 5 * time.Minute
	// DefaultPeerCacheSize bounds the peer cache.
	DefaultPeerCacheSize = 100000
	// DefaultDialTimeout bounds one dial of a data center (TCP, proxy or WebSocket handshake).
	DefaultDialTimeout = 10 * time.Second
	// DefaultMaxTopicCacheSize is the number of forum topics kept in memory.
	DefaultMaxTopicCacheSize = 1000
)

// CodeFunc returns the login code Telegram sent for phone. info says how it was sent.
// It is called by the phone login flow; return an error to abort the login.
type CodeFunc func(ctx context.Context, phone string, info CodeInfo) (string, error)

// PasswordFunc returns the two-step verification password of the account; hint is the hint
// the user set (possibly empty). Return an error to abort the login.
type PasswordFunc func(ctx context.Context, hint string) (string, error)

// SignUpFunc returns the name of a new account for a phone number that is not registered
// yet. terms is the text of Telegram's terms of service the user accepts by signing up.
// Return an error to abort.
type SignUpFunc func(ctx context.Context, terms string) (firstName, lastName string, err error)

// CodeInfo describes how a login code was delivered.
type CodeInfo struct {
	// Type is the TL name of the delivery, such as "auth.sentCodeTypeApp" or
	// "auth.sentCodeTypeSms".
	Type string
	// Length is the number of digits, when known.
	Length int
	// Timeout is how long until another delivery may be requested, zero when unknown.
	Timeout time.Duration
}

// DeviceConfig is what the client tells Telegram about itself in initConnection. Zero fields
// take the defaults noted on each.
type DeviceConfig struct {
	// DeviceModel defaults to "MTGo".
	DeviceModel string
	// SystemVersion defaults to runtime.GOOS/runtime.GOARCH.
	SystemVersion string
	// AppVersion defaults to Version.
	AppVersion string
	// SystemLangCode defaults to "en".
	SystemLangCode string
	// LangPack is the language pack name; empty for none.
	LangPack string
	// LangCode defaults to "en".
	LangCode string
}

// LogConfig says where the client's log records go. The zero value discards every record: the
// library writes nothing anywhere unless a Handler is given.
type LogConfig struct {
	// Handler receives the records. Nil discards them.
	Handler slog.Handler
	// Level is the lowest level passed to Handler; nil means slog.LevelInfo.
	Level slog.Leveler
}

// Config configures a Client. A zero field means "use the default" (see DefaultConfig), so
// Config{} and DefaultConfig behave the same; booleans whose default is on are phrased
// negatively (NoUpdates, NoCatchUp) so their zero value is the default.
type Config struct {
	// Workers is the number of goroutines running update handlers. Default: the number of
	// CPUs plus four, at most 32.
	Workers int

	// SessionName names the session file (<SessionName>.session) used unless InMemory or
	// Storage is set.
	SessionName string
	// SessionString is an exported session (ExportSessionString, or a Pyrogram, Telethon,
	// GramJS or mtcute string) to start from instead of logging in.
	SessionString string
	// InMemory keeps the session in memory only: nothing is written to disk.
	InMemory bool
	// Storage is a storage backend to use instead of the one SessionName or InMemory selects.
	Storage Storage

	// BotToken logs in as a bot ("123456:ABC...") when the session is not authorized yet.
	BotToken string
	// PhoneNumber logs in as a user when the session is not authorized yet and BotToken is
	// empty; Code must then be set.
	PhoneNumber string
	// Code supplies the login code for PhoneNumber.
	Code CodeFunc
	// Password supplies the two-step verification password when the account has one.
	Password PasswordFunc
	// SignUp supplies the name of a new account when PhoneNumber is not registered.
	SignUp SignUpFunc

	// TestMode connects to Telegram's test data centers.
	TestMode bool
	// IPv6 prefers the IPv6 addresses of the data centers.
	IPv6 bool
	// NoUpdates tells the server not to send updates and runs no update engine.
	NoUpdates bool
	// NoCatchUp skips fetching the updates missed while the client was offline.
	NoCatchUp bool
	// NoObfuscation sends the MTProto framing as it is instead of inside obfuscated2 (for
	// servers that do not accept obfuscation; Telegram does). Ignored with MTProxy.
	NoObfuscation bool
	// ParseMode is the default parse mode of sent text: ParseModeNone, ParseModeMarkdown,
	// ParseModeHTML or ParseModeMarkdownV2.
	ParseMode int
	// SleepThreshold is the longest FLOOD_WAIT Invoke sleeps through before repeating the
	// call; longer waits fail with *FloodWaitError. Default 10 s; negative never sleeps.
	SleepThreshold time.Duration
	// RequestTimeout is the per-attempt timeout of Invoke when its own timeout is 0.
	// Default 60 s.
	RequestTimeout time.Duration
	// DialTimeout bounds one dial of a data center: the TCP connection, the proxy's and the
	// WebSocket's handshake. Default 10 s.
	DialTimeout time.Duration
	// AutoConnect makes a call on a client that is not connected (and not stopped) connect
	// first, as Connect would, instead of failing with ErrNotConnected. That includes a client
	// whose session gave up on its home connection after ReconnectAttempts failed redials
	// (OnDisconnect ran with an error matching ErrReconnectFailed): the next call connects
	// anew, the update engine's calls included (its getDifference after a gap or at its
	// 15-minute idle check), so a bot that only answers updates comes back by itself.
	AutoConnect bool
	// Takeout runs the client in takeout mode: once connected and authorized it opens a
	// takeout session (account.initTakeoutSession, with TakeoutScope) and wraps every call of
	// the client's methods in invokeWithTakeout, as data export tools do (Telegram applies
	// lower flood limits to them).
	Takeout bool
	// TakeoutScope says what the takeout session may export; the zero value asks for
	// contacts, chats and files.
	TakeoutScope TakeoutScope
	// LinkPreview is the default link preview of sent text messages (nil: Telegram's default,
	// a preview of the first link). Send options override it.
	LinkPreview *LinkPreviewOptions
	// MaxTopicCacheSize bounds the forum topics kept in memory (default 1000).
	MaxTopicCacheSize int
	// MaxConcurrentTransmissions bounds parallel file transfers (default 1).
	MaxConcurrentTransmissions int
	// MaxMessageCacheSize is the number of recent messages kept in memory (default 10000).
	MaxMessageCacheSize int
	// PeerCacheSize bounds the peer cache (default 100000).
	PeerCacheSize int
	// MaxDurableUpdates bounds the durable update queue (EnqueueDurableUpdate fails with
	// storage.ErrDurableQueueFull past it; default storage.DefaultMaxDurableUpdates). A queue
	// already longer keeps its updates.
	MaxDurableUpdates int
	// SessionIdleTimeout is how long an unused per-DC session stays open (default 5 min).
	SessionIdleTimeout time.Duration
	// ReconnectAttempts bounds the consecutive failed attempts to (re)connect the home
	// connection, after which the session gives up: its calls fail with *ReconnectError,
	// OnDisconnect runs with a Reason matching ErrReconnectFailed, and nothing dials again
	// until Connect (or a call with AutoConnect).
	//   - 0 (the default): 8 attempts until Connect (or Start's connect) has its answers, so
	//     that Connect with a wrong address, proxy or key, or whose link goes down while it
	//     waits for them (after the key exchange, during help.getConfig or the account
	//     check), returns an error after some 30 s of backoff, even without a deadline; from
	//     then on (the OnConnect hooks included), a loss is redialed for ever, however long
	//     the network stays down, with
	//     exponential backoff from 250 ms up to one attempt about every 30 s (jittered
	//     between 15 and 45 s). A bot thus survives any outage. A replaced SessionFactory's
	//     home Conn must have a MarkEstablished() method for this (embed *session.Conn);
	//     without it the 8-attempt bound stays, and Connect logs one warning saying so.
	//   - n > 0: n attempts, for the first connection and after every loss alike: the
	//     session gives up after an outage of about n backoff intervals.
	//   - negative: never give up, not even on the first connection (Connect then returns
	//     only once connected, or with its ctx).
	// While the link is down every call still ends in bounded time: with its ctx, or with
	// RequestTimeout per attempt. Per-DC and media connections other than the home one give
	// up after 8 attempts unless n is set (they are opened again by the next call that needs
	// them). A proxy refusing the credentials or an address that is no host name
	// (transport.ErrHost) gives up at once whatever the setting, and so
	// does a server refusing twice in a row to bind a temporary key (perfect forward
	// secrecy, with a SessionFactory that enables it) after it had bound one: calls then fail
	// with an error wrapping the server's rpcerr.Error and session.ErrBind.
	ReconnectAttempts int
	// SecretRekey says when secret chats replace their key by themselves (re-keying, for
	// perfect forward secrecy). A zero field takes secretchat.DefaultPolicy's value, which is
	// Telegram's rule: more than 100 messages or more than a week of use; an unanswered
	// request is given up after a day. A policy may be tighter, not looser: Messages 10 to
	// 100, Age and Wait one minute to a week; other values are ErrInvalidConfig.
	SecretRekey secretchat.Policy

	// Proxy is a proxy URL: socks5://[user:pass@]host:port, socks4://host:port,
	// socks4a://host:port or http://[user:pass@]host:port.
	Proxy string
	// MTProxy is an MTProxy link: tg://proxy?server=...&port=...&secret=... or its
	// https://t.me/proxy?... form.
	MTProxy string

	// Transport chooses the framing (codec), obfuscation and WebSocket of the connections.
	// The zero value is obfuscated intermediate framing over TCP, as Telegram's apps use.
	Transport TransportConfig
	// LocalAddr is the local address connections are made from: an IP ("192.0.2.1",
	// "[2001:db8::1]") or "host:port". Empty lets the system choose.
	LocalAddr string
	// ServerAddr, when set, is the one address ("host:port") every data center is reached at
	// (a fixed Telegram address, a test server, a relay), unless DCAddrs names the data center.
	ServerAddr string

	// DC is the data center used when the storage holds no session (default 2).
	DC int
	// DCAddrs overrides the address ("host:port") of data centers by id, for custom servers.
	DCAddrs map[int]string
	// PublicKeys are RSA keys trusted for the key exchange in addition to Telegram's.
	PublicKeys []*rsa.PublicKey

	// Device is what the client announces in initConnection.
	Device DeviceConfig
	// Log says where log records go; silent by default.
	Log LogConfig

	// FxOptions are appended last to the client's fx application, so they can fx.Decorate
	// or fx.Replace any layer (see Module and the Replace helpers).
	FxOptions []fx.Option
}

// DefaultConfig is the configuration NewClient uses when given nil. Copy it and change fields.
var DefaultConfig = Config{
	Workers:                    defaultWorkers(),
	SleepThreshold:             DefaultSleepThreshold,
	RequestTimeout:             DefaultRequestTimeout,
	MaxConcurrentTransmissions: DefaultMaxConcurrentTransmissions,
	MaxMessageCacheSize:        DefaultMaxMessageCacheSize,
	PeerCacheSize:              DefaultPeerCacheSize,
	MaxDurableUpdates:          storage.DefaultMaxDurableUpdates,
	SessionIdleTimeout:         DefaultSessionIdleTimeout,
	DC:                         DefaultDC,
	Device:                     defaultDevice(),
}

func defaultWorkers() int { return min(32, runtime.NumCPU()+4) }

func defaultDevice() DeviceConfig {
	return DeviceConfig{
		DeviceModel:    "MTGo",
		SystemVersion:  runtime.GOOS + "/" + runtime.GOARCH,
		AppVersion:     Version,
		SystemLangCode: "en",
		LangCode:       "en",
	}
}

// withDefaults returns cfg with every zero field replaced by its default. Maps and slices are
// copied so the caller's later changes do not reach the client.
func (cfg Config) withDefaults() Config {
	setInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	setDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	setStr := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	setInt(&cfg.Workers, defaultWorkers())
	setInt(&cfg.MaxConcurrentTransmissions, DefaultMaxConcurrentTransmissions)
	setInt(&cfg.MaxMessageCacheSize, DefaultMaxMessageCacheSize)
	setInt(&cfg.PeerCacheSize, DefaultPeerCacheSize)
	setInt(&cfg.MaxDurableUpdates, storage.DefaultMaxDurableUpdates)
	setInt(&cfg.DC, DefaultDC)
	setDur(&cfg.SleepThreshold, DefaultSleepThreshold)
	setDur(&cfg.RequestTimeout, DefaultRequestTimeout)
	setDur(&cfg.SessionIdleTimeout, DefaultSessionIdleTimeout)
	setDur(&cfg.DialTimeout, DefaultDialTimeout)
	setInt(&cfg.MaxTopicCacheSize, DefaultMaxTopicCacheSize)
	d := defaultDevice()
	setStr(&cfg.Device.DeviceModel, d.DeviceModel)
	setStr(&cfg.Device.SystemVersion, d.SystemVersion)
	setStr(&cfg.Device.AppVersion, d.AppVersion)
	setStr(&cfg.Device.SystemLangCode, d.SystemLangCode)
	setStr(&cfg.Device.LangCode, d.LangCode)
	if cfg.DCAddrs != nil {
		m := make(map[int]string, len(cfg.DCAddrs))
		for k, v := range cfg.DCAddrs {
			m[k] = v
		}
		cfg.DCAddrs = m
	}
	cfg.PublicKeys = append([]*rsa.PublicKey(nil), cfg.PublicKeys...)
	if cfg.LinkPreview != nil {
		lp := *cfg.LinkPreview
		cfg.LinkPreview = &lp
	}
	cfg.FxOptions = append([]fx.Option(nil), cfg.FxOptions...)
	return cfg
}

// validate checks what a zero-filled config cannot fix. It runs after withDefaults.
func (cfg *Config) validate() error {
	if !knownParseMode(cfg.ParseMode) {
		return fmt.Errorf("%w: %d", ErrUnknownParseMode, cfg.ParseMode)
	}
	if cfg.Workers < 0 {
		return fmt.Errorf("%w: Workers is %d", ErrInvalidConfig, cfg.Workers)
	}
	if cfg.MaxConcurrentTransmissions < 0 || cfg.MaxMessageCacheSize < 0 || cfg.PeerCacheSize < 0 || cfg.MaxTopicCacheSize < 0 || cfg.MaxDurableUpdates < 0 {
		return fmt.Errorf("%w: negative size limit", ErrInvalidConfig)
	}
	if cfg.RequestTimeout < 0 || cfg.SessionIdleTimeout < 0 || cfg.DialTimeout < 0 {
		return fmt.Errorf("%w: negative timeout", ErrInvalidConfig)
	}
	if _, err := parseLocalAddr(cfg.LocalAddr); err != nil {
		return err
	}
	if cfg.ServerAddr != "" {
		if err := checkHostPort(cfg.ServerAddr); err != nil {
			return fmt.Errorf("%w: ServerAddr %q: %w", ErrInvalidConfig, cfg.ServerAddr, err)
		}
	}
	if err := cfg.validateTransport(); err != nil {
		return err
	}
	if cfg.Takeout && cfg.BotToken != "" {
		return fmt.Errorf("%w: Takeout exports a user account's data: bots have no takeout sessions", ErrInvalidConfig)
	}
	if err := validateSecretRekey(cfg.SecretRekey); err != nil {
		return err
	}
	if cfg.DC < 0 {
		return fmt.Errorf("%w: DC %d", ErrInvalidConfig, cfg.DC)
	}
	for dc, addr := range cfg.DCAddrs {
		if dc <= 0 || addr == "" {
			return fmt.Errorf("%w: DCAddrs[%d] = %q", ErrInvalidConfig, dc, addr)
		}
	}
	for i, k := range cfg.PublicKeys {
		if k == nil || k.N == nil {
			return fmt.Errorf("%w: PublicKeys[%d] is empty", ErrInvalidConfig, i)
		}
	}
	if cfg.Proxy != "" && cfg.MTProxy != "" {
		return fmt.Errorf("%w: both Proxy and MTProxy are set", ErrInvalidProxy)
	}
	return nil
}

// reconnectPolicy is the session's reconnect policy under ReconnectAttempts: the default
// bounds the home connection only until Connect has its answers
// (session.ReconnectPolicy.Persistent, lifted by the engine's Established).
func (c *Config) reconnectPolicy() session.ReconnectPolicy {
	return session.ReconnectPolicy{MaxAttempts: c.ReconnectAttempts, Persistent: c.ReconnectAttempts == 0}
}
