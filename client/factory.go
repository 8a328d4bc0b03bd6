package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
)

// sessionFactory is the default SessionFactory: the session module's run loop.
type sessionFactory struct{}

var _ SessionFactory = sessionFactory{}

// newSessionFactory is the constructor of the session layer.
func newSessionFactory() sessionFactory { return sessionFactory{} }

// NewConn implements SessionFactory.
func (sessionFactory) NewConn(cc ConnConfig) (Conn, error) {
	c, err := session.New(session.Options{
		Session:    session.Session{DC: cc.DC, Addr: cc.Addr, TestMode: cc.TestMode},
		Store:      cc.Store,
		Dialer:     cc.Dialer,
		PublicKeys: cc.PublicKeys,
		Init:       cc.Init,
		Reconnect:  cc.Reconnect,
		Updates:    cc.Updates,
		Logger:     cc.Logger,
	})
	if err != nil {
		return nil, err
	}
	return sessionConn{c}, nil
}

// sessionConn adapts *session.Conn to Conn: repeatable becomes session.WithRepeatable.
type sessionConn struct{ *session.Conn }

// InvokeWith implements Conn.
func (c sessionConn) InvokeWith(ctx context.Context, in tl.Encoder, out tl.Decoder, repeatable bool) error {
	if repeatable {
		return c.Conn.InvokeWith(ctx, in, out, session.WithRepeatable())
	}
	return c.Conn.InvokeWith(ctx, in, out)
}

// ContextFreeCalls marks the session's connection as keeping neither a call's context nor its
// request after the call returned (conn.ContextFree): Invoke encodes the request before it
// hands the call to the loop.
func (sessionConn) ContextFreeCalls() {}
