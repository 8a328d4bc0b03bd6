package mtgo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The business account's side of Telegram Business bots (user accounts): ConnectBusinessBot
// connects a bot with business mode to the account (Telegram Premium), which then serves the
// account's private chats through the bot's OnBusinessConnection, OnBusinessMessage and
// WithBusinessConnection (business.go); GetConnectedBusinessBots lists it,
// PauseBusinessBot and DisableBusinessBotInChat take single chats away from it,
// DisconnectBusinessBot ends the connection.

// BusinessBotOption configures ConnectBusinessBot.
type BusinessBotOption func(*businessBotParams)

type businessBotParams struct {
	rights     types.BusinessBotRights
	recipients types.BusinessBotRecipients
}

// WithBusinessBotRights gives the bot rights instead of the default (Reply and
// ReadMessages).
func WithBusinessBotRights(r types.BusinessBotRights) BusinessBotOption {
	return func(p *businessBotParams) { p.rights = r }
}

// WithBusinessBotRecipients makes the bot serve the chats of r instead of the default (every
// private chat: existing and new, with contacts and non-contacts).
func WithBusinessBotRecipients(r types.BusinessBotRecipients) BusinessBotOption {
	return func(p *businessBotParams) { p.recipients = r }
}

// errBusinessBotNotListed reports a bot that account.getConnectedBots does not list right
// after connecting it.
var errBusinessBotNotListed = errors.New("the bot is not among the connected bots")

// ConnectBusinessBot connects bot (a bot with business mode, anything ResolvePeer accepts) to
// the account, or changes the rights and recipients of the bot already connected; an account
// has one connected bot, and connecting another replaces it (account.updateConnectedBot).
// The bot is told with updateBotBusinessConnect (its OnBusinessConnection). It returns the
// connection as Telegram keeps it (read back with account.getConnectedBots). User accounts
// with Telegram Premium only: PREMIUM_ACCOUNT_REQUIRED otherwise, BOT_BUSINESS_MISSING for
// a bot without business mode.
func (c *Client) ConnectBusinessBot(ctx context.Context, bot any, opts ...BusinessBotOption) (*types.ConnectedBusinessBot, error) {
	const what = "connect business bot"
	p := businessBotParams{
		rights: types.BusinessBotRights{Reply: true, ReadMessages: true},
		recipients: types.BusinessBotRecipients{BusinessRecipients: types.BusinessRecipients{
			ExistingChats: true, NewChats: true, Contacts: true, NonContacts: true,
		}},
	}
	for _, o := range opts {
		if o != nil {
			o(&p)
		}
	}
	in, err := c.resolveUser(ctx, bot)
	if err != nil {
		return nil, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	rc, err := c.inputBotRecipients(ctx, p.recipients)
	if err != nil {
		return nil, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	rights := p.rights.TG()
	if _, err := c.updated(ctx, what, &tg.AccountUpdateConnectedBotRequest{Bot: in, Rights: &rights, Recipients: rc}); err != nil {
		return nil, err
	}
	list, err := c.GetConnectedBusinessBots(ctx)
	if err != nil {
		return nil, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	id := inputUserID(in)
	for _, b := range list {
		if b.Bot.ID == id {
			return b, nil
		}
	}
	return nil, fmt.Errorf("mtgo: %s: %w", what, errBusinessBotNotListed)
}

// inputUserID returns the id of a resolved user, 0 for the account itself.
func inputUserID(in tg.InputUserClass) int64 {
	if u, ok := in.(*tg.InputUser); ok {
		return u.UserID
	}
	return 0
}

// inputBotRecipients resolves the users of r.
func (c *Client) inputBotRecipients(ctx context.Context, r types.BusinessBotRecipients) (tg.InputBusinessBotRecipients, error) {
	common, err := c.inputRecipients(ctx, r.BusinessRecipients)
	if err != nil {
		return tg.InputBusinessBotRecipients{}, err
	}
	out := tg.InputBusinessBotRecipients{
		ExistingChats: common.ExistingChats, NewChats: common.NewChats, Contacts: common.Contacts, NonContacts: common.NonContacts,
		ExcludeSelected: common.ExcludeSelected, Users: common.Users,
	}
	out.ExcludeUsers, err = c.resolveUserIDs(ctx, r.ExcludeUsers)
	return out, err
}

// DisconnectBusinessBot disconnects bot (anything ResolvePeer accepts) from the account
// (account.updateConnectedBot with deleted); the bot's OnBusinessConnection sees the
// connection disabled. Disconnecting a bot that is not connected changes nothing.
func (c *Client) DisconnectBusinessBot(ctx context.Context, bot any) error {
	const what = "disconnect business bot"
	in, err := c.resolveUser(ctx, bot)
	if err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	_, err = c.updated(ctx, what, &tg.AccountUpdateConnectedBotRequest{Bot: in, Deleted: true})
	return err
}

// GetConnectedBusinessBots lists the business bots connected to the account (at most one)
// with their rights and recipients (account.getConnectedBots). User accounts only.
func (c *Client) GetConnectedBusinessBots(ctx context.Context) ([]*types.ConnectedBusinessBot, error) {
	var res tg.AccountConnectedBots
	if err := c.invoker().Invoke(ctx, &tg.AccountGetConnectedBotsRequest{}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get connected business bots: %w", err)
	}
	e := types.NewEntities(res.Users, nil)
	out := make([]*types.ConnectedBusinessBot, 0, len(res.ConnectedBots))
	for i := range res.ConnectedBots {
		out = append(out, types.NewConnectedBusinessBot(&res.ConnectedBots[i], e))
	}
	return out, nil
}

// PauseBusinessBot pauses (paused true) or resumes the account's connected business bot in
// the private chat with chat (anything ResolvePeer accepts;
// account.toggleConnectedBotPaused). While paused the bot gets no business updates from the
// chat and cannot act there through the connection. BOT_NOT_CONNECTED_YET when no bot is
// connected.
func (c *Client) PauseBusinessBot(ctx context.Context, chat any, paused bool) error {
	const what = "pause business bot"
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return c.boolCall(ctx, what, &tg.AccountToggleConnectedBotPausedRequest{Peer: peer, Paused: paused})
}

// DisableBusinessBotInChat takes the private chat with chat (anything ResolvePeer accepts)
// away from the account's connected business bot until the bot is connected again with
// ConnectBusinessBot (account.disablePeerConnectedBot: the chat joins the excluded users).
// BOT_NOT_CONNECTED_YET when no bot is connected, BOT_ALREADY_DISABLED when the chat already
// is excluded.
func (c *Client) DisableBusinessBotInChat(ctx context.Context, chat any) error {
	const what = "disable business bot in chat"
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return c.boolCall(ctx, what, &tg.AccountDisablePeerConnectedBotRequest{Peer: peer})
}
