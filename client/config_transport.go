package mtgo

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// TransportCodec names the MTProto framing of the connections (Config.Transport.Codec).
type TransportCodec string

// The framings. The zero value is CodecIntermediate.
const (
	// CodecIntermediate is 4-byte length prefixes (the default).
	CodecIntermediate TransportCodec = "intermediate"
	// CodecAbridged is 1- or 4-byte length prefixes in words, the smallest framing.
	CodecAbridged TransportCodec = "abridged"
	// CodecPadded is intermediate framing with random padding, which hides packet sizes
	// (what dd MTProxies require).
	CodecPadded TransportCodec = "padded"
	// CodecFull is length, sequence number and CRC32 per packet. It has no obfuscated form:
	// it needs Transport.NoObfuscation.
	CodecFull TransportCodec = "full"
)

// TransportConfig chooses how connections reach a data center; see Config.Transport. An
// MTProxy (Config.MTProxy) decides the framing itself, so it cannot be combined with a codec,
// NoObfuscation or WebSocket.
type TransportConfig struct {
	// Codec is the framing; empty means CodecIntermediate.
	Codec TransportCodec
	// NoObfuscation sends the framing as it is instead of inside obfuscated2 (for servers that
	// do not accept obfuscation; Telegram does). Config.NoObfuscation means the same.
	NoObfuscation bool
	// WebSocket carries the connection in WebSocket binary messages to
	// ws://<address>/<WebSocketPath> (Telegram serves wss://<dc>.web.telegram.org/apiws), for
	// networks where only HTTP(S) gets through. It needs obfuscation.
	WebSocket bool
	// WebSocketTLS uses wss (TLS) instead of ws.
	WebSocketTLS bool
	// WebSocketPath is the URL path; empty means "/apiws".
	WebSocketPath string
	// TLSConfig configures wss; nil means the system roots and the host name of the address.
	TLSConfig *tls.Config
}

// LinkPreviewOptions is the default link preview of sent text messages (Config.LinkPreview),
// as the Bot API's LinkPreviewOptions. The send options add to it: WithNoWebpage turns a
// preview off, WithInvertMedia puts it above the text. With URL, PreferSmallMedia or
// PreferLargeMedia, SendMessage sends the text with messages.sendMedia and an optional
// inputMediaWebPage (the URL, else the text's first link); a link Telegram cannot preview
// leaves plain text.
type LinkPreviewOptions struct {
	// IsDisabled sends no preview.
	IsDisabled bool
	// URL is the link to preview instead of the first link of the text.
	URL string
	// PreferSmallMedia and PreferLargeMedia choose the size of the preview's media.
	PreferSmallMedia bool
	PreferLargeMedia bool
	// ShowAboveText puts the preview above the text.
	ShowAboveText bool
}

// disabled reports whether sent text has no link preview by default (nil: it has one).
func (lp *LinkPreviewOptions) disabled() bool { return lp != nil && lp.IsDisabled }

// above reports whether a link preview goes above the text by default.
func (lp *LinkPreviewOptions) above() bool { return lp != nil && lp.ShowAboveText }

// TakeoutScope says what a takeout session (Config.Takeout) may export.
type TakeoutScope struct {
	Contacts, MessageUsers, MessageChats, MessageMegagroups, MessageChannels, Files bool
	// FileMaxSize is the largest file to export, in bytes, with Files.
	FileMaxSize int64
}

// codec returns the configured framing, CodecIntermediate for empty.
func (t TransportConfig) codec() TransportCodec {
	if t.Codec == "" {
		return CodecIntermediate
	}
	return t.Codec
}

// validateTransport checks Transport, and that it fits the proxy settings.
func (cfg *Config) validateTransport() error {
	t := cfg.Transport
	noObf := cfg.NoObfuscation || t.NoObfuscation
	switch t.codec() {
	case CodecIntermediate, CodecAbridged, CodecPadded:
	case CodecFull:
		if !noObf {
			return fmt.Errorf("%w: Transport.Codec %q has no obfuscated form: set Transport.NoObfuscation", ErrInvalidConfig, t.Codec)
		}
	default:
		return fmt.Errorf("%w: Transport.Codec %q is not one of abridged, intermediate, padded, full", ErrInvalidConfig, t.Codec)
	}
	if t.WebSocket && noObf {
		return fmt.Errorf("%w: Transport.WebSocket needs obfuscation", ErrInvalidConfig)
	}
	if !t.WebSocket && (t.WebSocketTLS || t.WebSocketPath != "" || t.TLSConfig != nil) {
		return fmt.Errorf("%w: Transport.WebSocketTLS, WebSocketPath and TLSConfig need Transport.WebSocket", ErrInvalidConfig)
	}
	if cfg.MTProxy != "" && (t.Codec != "" || noObf || t.WebSocket) {
		return fmt.Errorf("%w: an MTProxy chooses its own transport: Transport must be empty", ErrInvalidConfig)
	}
	return nil
}

// parseLocalAddr reads Config.LocalAddr: an IP, with or without brackets, or host:port with
// a numeric host. Empty gives nil.
func parseLocalAddr(s string) (*net.TCPAddr, error) {
	if s == "" {
		return nil, nil
	}
	host, port := strings.Trim(s, "[]"), 0
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("%w: LocalAddr %q: bad port", ErrInvalidConfig, s)
		}
		host, port = h, n
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return nil, fmt.Errorf("%w: LocalAddr %q: not an IP address", ErrInvalidConfig, s)
	}
	return &net.TCPAddr{IP: ip, Port: port}, nil
}

// checkHostPort checks a "host:port" address with a port in 1..65535.
func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "" {
		return fmt.Errorf("no host")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("bad port %q", port)
	}
	return nil
}
