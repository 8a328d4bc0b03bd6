package services

import (
	"sync"

	"github.com/mtgo-labs/mtgo/teletest/world"
)

// ConnInfo is what initConnection told the server about the client application.
type ConnInfo struct {
	APIID          int32
	DeviceModel    string
	SystemVersion  string
	AppVersion     string
	SystemLangCode string
	LangPack       string
	LangCode       string
}

// Caller describes who is calling: the network layer fills DC, AuthKeyID and SessionID when
// it creates the Caller for a connection (one Caller per connection, reused for every request
// on it); the services record the layer and application that invokeWithLayer and
// initConnection announce. The account is not stored here: it is bound to the auth key in the
// world, so every connection sharing a key shares the login, as on Telegram.
//
// A Caller may be used by concurrent Handle calls.
type Caller struct {
	// DC is the data center the connection reached (1..5 in a cluster). 0 disables the
	// *_MIGRATE_X checks.
	DC int
	// AuthKeyID is the permanent auth key of the connection (after auth.bindTempAuthKey, the
	// permanent key's id).
	AuthKeyID world.KeyID
	// SessionID is the client's MTProto session id.
	SessionID int64

	mu    sync.Mutex
	layer int32
	conn  ConnInfo
	init  bool
}

// Layer returns the layer announced by invokeWithLayer, or 0 before any.
func (c *Caller) Layer() int32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.layer
}

// Conn returns what initConnection announced and whether it has been called.
func (c *Caller) Conn() (ConnInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn, c.init
}

func (c *Caller) setLayer(layer int32) {
	c.mu.Lock()
	c.layer = layer
	c.mu.Unlock()
}

func (c *Caller) setConn(info ConnInfo) {
	c.mu.Lock()
	c.conn, c.init = info, true
	c.mu.Unlock()
}

// ForAccount returns a new Caller like c (DC, session, the layer and application recorded)
// acting as account key id. The network layer uses it when a connection's account changes
// (auth.bindTempAuthKey): a call still running with c, on a goroutine of its own, keeps an
// unchanged Caller.
func (c *Caller) ForAccount(id world.KeyID) *Caller {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &Caller{DC: c.DC, AuthKeyID: id, SessionID: c.SessionID, layer: c.layer, conn: c.conn, init: c.init}
}
