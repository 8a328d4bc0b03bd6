// Package session turns a transport connection into a reliable, encrypted MTProto RPC channel to
// one Telegram data center.
//
// The protocol logic lives in two sans-IO cores: the auth key exchange in package
// session/exchange and the message engine in package session/mtp. This package holds what sits
// around them: the persistent [Session] value and its [Store], the typed [RPCError], and [Conn],
// the loop that owns an engine, a transport connection and one reader goroutine, reconnecting
// with backoff when the connection breaks.
package session
