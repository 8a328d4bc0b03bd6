package mtgo

import (
	"context"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The account's sessions: devices logged in, and websites logged in through bots.

// GetActiveSessions lists the devices logged in to the account, the current one first.
func (c *Client) GetActiveSessions(ctx context.Context) (*types.ActiveSessions, error) {
	res, err := result(c.api().AccountGetAuthorizations(ctx, &tg.AccountGetAuthorizationsRequest{}))("get active sessions")
	if err != nil {
		return nil, err
	}
	return types.NewActiveSessions(res), nil
}

// ResetSession logs out the session with that hash (types.Session.Hash).
func (c *Client) ResetSession(ctx context.Context, hash int64) error {
	return c.boolCall(ctx, "reset session", &tg.AccountResetAuthorizationRequest{Hash: hash})
}

// ResetOtherSessions logs out every session of the account but this one.
func (c *Client) ResetOtherSessions(ctx context.Context) error {
	return c.boolCall(ctx, "reset other sessions", &tg.AuthResetAuthorizationsRequest{})
}

// GetWebSessions lists the websites the account logged in to with a bot's login widget.
func (c *Client) GetWebSessions(ctx context.Context) ([]types.WebSession, error) {
	res, err := result(c.api().AccountGetWebAuthorizations(ctx, &tg.AccountGetWebAuthorizationsRequest{}))("get web sessions")
	if err != nil {
		return nil, err
	}
	ix := types.NewEntities(res.Users, nil)
	out := make([]types.WebSession, 0, len(res.Authorizations))
	for _, a := range res.Authorizations {
		out = append(out, types.WebSession{
			Hash: a.Hash, Bot: ix.User(a.BotID), Domain: a.Domain, Browser: a.Browser, Platform: a.Platform,
			Created: time.Unix(int64(a.DateCreated), 0), Active: time.Unix(int64(a.DateActive), 0), IP: a.IP, Region: a.Region,
		})
	}
	return out, nil
}

// ResetWebSession logs the account out of one website.
func (c *Client) ResetWebSession(ctx context.Context, hash int64) error {
	return c.boolCall(ctx, "reset web session", &tg.AccountResetWebAuthorizationRequest{Hash: hash})
}

// ResetWebSessions logs the account out of every website.
func (c *Client) ResetWebSessions(ctx context.Context) error {
	return c.boolCall(ctx, "reset web sessions", &tg.AccountResetWebAuthorizationsRequest{})
}
