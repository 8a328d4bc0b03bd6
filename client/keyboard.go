package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// WithKeyboard attaches typed reply markup: an inline keyboard (types.NewInlineKeyboard), a
// reply keyboard (types.NewReplyKeyboard), &types.RemoveKeyboard{} or &types.ForceReply{}.
// The markup is checked when the request is built; an invalid one fails the call with an
// error matching types.ErrInvalidKeyboard. WithReplyMarkup takes TL markup as it is.
//
//	kb := types.NewInlineKeyboard().Row(types.CallbackButton("Yes", "yes"), types.CallbackButton("No", "no"))
//	_, err := c.SendMessage(ctx, chat, "Sure?", mtgo.WithKeyboard(kb))
func WithKeyboard(m types.ReplyMarkup) SendEditOption {
	return option.CommonFunc(func(p *option.Common) {
		p.ReplyMarkup = nil
		if m != nil {
			p.ReplyMarkup = m
		}
	})
}

// replyMarkup converts the options' markup for a request; nil stays nil. The users a typed
// keyboard names by id alone (a user profile button, the bot of a login button) get their
// access hashes from the peer cache; TL markup given with WithReplyMarkup is sent as it is.
func (c *Client) replyMarkup(ctx context.Context, m option.Markup) (tg.ReplyMarkupClass, error) {
	if m == nil {
		return nil, nil
	}
	out, err := m.ToTL()
	if err != nil {
		return nil, fmt.Errorf("mtgo: reply markup: %w", err)
	}
	if _, raw := m.(*option.RawMarkup); raw {
		return out, nil
	}
	var rows []tg.KeyboardButtonRow
	switch k := out.(type) {
	case *tg.ReplyInlineMarkup:
		rows = k.Rows
	case *tg.ReplyKeyboardMarkup:
		rows = k.Rows
	}
	// The rows are ToTL's own, but a RawButton's TL button is the caller's (or a received
	// message's): a completed button is a copy.
	for _, row := range rows {
		for j, b := range row.Buttons {
			switch b := b.(type) {
			case *tg.InputKeyboardButtonUserProfile:
				cp := *b
				if cp.UserID, err = c.completeUser(ctx, b.UserID); err != nil {
					return nil, fmt.Errorf("mtgo: reply markup: user profile button %q: %w", b.Text, err)
				}
				row.Buttons[j] = &cp
			case *tg.InputKeyboardButtonURLAuth:
				cp := *b
				if cp.Bot, err = c.completeUser(ctx, b.Bot); err != nil {
					return nil, fmt.Errorf("mtgo: reply markup: login button %q: %w", b.Text, err)
				}
				row.Buttons[j] = &cp
			}
		}
	}
	return out, nil
}

// completeUser gives a user named by id alone its access hash, from the peer cache.
func (c *Client) completeUser(ctx context.Context, u tg.InputUserClass) (tg.InputUserClass, error) {
	iu, ok := u.(*tg.InputUser)
	if !ok || iu.AccessHash != 0 {
		return u, nil
	}
	p, err := c.ResolvePeer(ctx, iu.UserID)
	if err != nil {
		return nil, err
	}
	switch p := p.(type) {
	case *tg.InputPeerUser:
		return &tg.InputUser{UserID: p.UserID, AccessHash: p.AccessHash}, nil
	case *tg.InputPeerUserFromMessage:
		return &tg.InputUserFromMessage{Peer: p.Peer, MsgID: p.MsgID, UserID: p.UserID}, nil
	case *tg.InputPeerSelf:
		return &tg.InputUserSelf{}, nil
	}
	return nil, fmt.Errorf("%w: %d is not a user", ErrPeerNotFound, iu.UserID)
}
