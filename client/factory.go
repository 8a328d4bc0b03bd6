package mtgo

import (
	"github.com/mtgo-labs/mtgo/session"
)

// sessionFactory is the default SessionFactory: the session module's run loop.
type sessionFactory struct{}

// newSessionFactory is the constructor of the session layer.
func newSessionFactory() sessionFactory { return sessionFactory{} }

// NewConn implements SessionFactory.
func (sessionFactory) NewConn(cc ConnConfig) (Conn, error) {
	return session.New(session.Options{
		Session:    session.Session{DC: cc.DC, Addr: cc.Addr, TestMode: cc.TestMode},
		Store:      cc.Store,
		Dialer:     cc.Dialer,
		PublicKeys: cc.PublicKeys,
		Init:       cc.Init,
		Reconnect:  cc.Reconnect,
		Updates:    cc.Updates,
		Logger:     cc.Logger,
	})
}
