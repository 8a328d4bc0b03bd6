package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/session"
	sessionstrings "github.com/mtgo-labs/mtgo/session/strings"
)

// ExportSessionString returns the home session (data center, address, auth key, account) as
// a string that Config.SessionString accepts, to resume without logging in again. Keep it
// secret: it grants full access to the account. It fails when no auth key exists yet.
func (c *Client) ExportSessionString() (string, error) {
	s := c.Session()
	if s == nil || !s.HasKey() {
		return "", fmt.Errorf("mtgo: export session: %w", ErrNotConnected)
	}
	userID, bot := c.eng.Account()
	addr, _ := c.eng.Table().Addr(s.DC, false, false)
	if s.Addr != "" {
		addr = s.Addr
	}
	out, err := sessionstrings.Export(sessionstrings.Data{
		DC:       s.DC,
		Addr:     addr,
		TestMode: c.cfg.TestMode,
		AuthKey:  s.AuthKey,
		UserID:   userID,
		Bot:      bot,
		APIID:    int32(c.apiID),
	})
	if err != nil {
		return "", fmt.Errorf("mtgo: export session: %w", err)
	}
	return out, nil
}

// importSessionString stores the session a string carries as the home session, unless the
// storage already holds a session with the same key (a restart with the same config).
func (c *Client) importSessionString(ctx context.Context, str string) error {
	d, err := sessionstrings.Import(str)
	if err != nil {
		return fmt.Errorf("mtgo: session string: %w", err)
	}
	s := session.Session{
		DC:       d.DC,
		Addr:     d.Addr,
		TestMode: d.TestMode,
		AuthKey:  d.AuthKey,
		UserID:   d.UserID,
		Bot:      d.Bot,
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("mtgo: session string: %w", err)
	}
	if old, err := c.store.LoadSession(ctx, d.DC); err == nil && string(old.AuthKey) == string(s.AuthKey) {
		return c.store.SetHomeDC(ctx, d.DC)
	}
	if d.Addr != "" {
		c.eng.Table().Override(d.DC, d.Addr)
	}
	if err := c.store.SaveSession(ctx, s); err != nil {
		return fmt.Errorf("mtgo: store imported session: %w", err)
	}
	if err := c.store.SetHomeDC(ctx, d.DC); err != nil {
		return fmt.Errorf("mtgo: store imported session: %w", err)
	}
	// Telethon and GramJS strings do not say whose key it is: the first Connect asks.
	c.probeSelf.Store(d.UserID == 0)
	return nil
}
