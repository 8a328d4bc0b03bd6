// Package transport turns a byte stream into MTProto packets and back.
//
// It knows nothing about sessions or TL types. The framing codecs (abridged,
// intermediate, padded intermediate and full) are sans-IO cores: a Codec
// appends one frame to a caller buffer and finds the next frame in whatever
// bytes have arrived, reporting ErrNeedMore when a frame is incomplete.
//
// A Conn moves packets over a net.Conn with one of those codecs, optionally
// wrapped in obfuscated2 (see package transport/obfuscated) and the MTProxy
// fake-TLS layer (package transport/faketls). NewClientConn writes the tag or
// obfuscation header a client must send; NewServerConn detects which protocol
// the client speaks from its first bytes.
//
// Dialers reach a data center: TCPDialer here, SOCKS4/4a/5 and HTTP CONNECT in
// transport/proxy, MTProxy in transport/mtproxy and WebSocket in
// transport/websocket. Every dialer is the small Dialer interface so users can
// plug their own.
package transport
