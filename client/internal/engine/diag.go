package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/session"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/dcpool"
)

// ConnInfo describes one running connection for the client's diagnostics.
type ConnInfo struct {
	DC         int
	Home       bool
	Media, CDN bool
	Lane       int
	// InFlight counts the client's calls waiting on the connection.
	InFlight int
	// Stats are the session's statistics; HasStats is false for a Conn that keeps none.
	Stats    session.Stats
	HasStats bool
}

func info(lc *conn.Live) ConnInfo {
	st, ok := lc.Stats()
	return ConnInfo{DC: lc.DC, Media: lc.Media, CDN: lc.CDN, InFlight: lc.InFlight(), Stats: st, HasStats: ok}
}

// Conns appends the running connections to dst: the home connection first, then the pooled
// ones. It waits for no connection.
func (e *Engine) Conns(dst []ConnInfo) []ConnInfo {
	e.mu.Lock()
	home := e.home
	e.mu.Unlock()
	if home != nil {
		ci := info(home)
		ci.Home = true
		dst = append(dst, ci)
	}
	var pooled [8]dcpool.Conn
	for _, pc := range e.pool.Live(pooled[:0]) {
		ci := info(pc.Live)
		ci.Lane = pc.Lane
		dst = append(dst, ci)
	}
	return dst
}

// Redial makes every running connection drop its socket and dial again now. It returns
// ErrNotConnected without a home connection, and ErrNoRedial when the home connection cannot
// redial (a Conn without a Redial method): no redial will be reported.
func (e *Engine) Redial() error {
	e.mu.Lock()
	home := e.home
	e.mu.Unlock()
	if home == nil {
		return ErrNotConnected
	}
	var pooled [8]dcpool.Conn
	for _, pc := range e.pool.Live(pooled[:0]) {
		pc.Live.Redial()
	}
	if !home.Redial() {
		return ErrNoRedial
	}
	return nil
}

// ErrNoRedial fails Redial when the home connection cannot drop its socket.
var ErrNoRedial = errors.New("mtgo: the home connection cannot redial")

// DropRPC drops the call in flight sent with msgID on whichever connection carries it.
func (e *Engine) DropRPC(ctx context.Context, msgID int64) error {
	e.mu.Lock()
	home := e.home
	e.mu.Unlock()
	if home == nil {
		return ErrNotConnected
	}
	err := home.DropRPC(ctx, msgID)
	if !errors.Is(err, session.ErrUnknownMsgID) {
		return err
	}
	var pooled [8]dcpool.Conn
	for _, pc := range e.pool.Live(pooled[:0]) {
		if err := pc.Live.DropRPC(ctx, msgID); !errors.Is(err, session.ErrUnknownMsgID) {
			return err
		}
	}
	return fmt.Errorf("mtgo: drop rpc %#x: %w", msgID, session.ErrUnknownMsgID)
}
