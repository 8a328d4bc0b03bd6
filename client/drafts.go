package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Cloud drafts: the unsent message the account keeps per chat, shared by its sessions.

// SaveDraft keeps text as the account's draft in chat (anything ResolvePeer accepts). Of the
// SendOptions the parse mode or entities, WithReplyTo / WithReplyToIn, WithTopic,
// WithNoWebpage, WithInvertMedia and WithEffect apply. An empty text clears the draft.
func (c *Client) SaveDraft(ctx context.Context, chat any, text string, opts ...SendOption) error {
	p := option.CollectSend(opts)
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	text, ents, err := c.messageText(ctx, text, p.Text)
	if err != nil {
		return err
	}
	out, err := c.resolveSend(ctx, p)
	if err != nil {
		return err
	}
	req := &tg.MessagesSaveDraftRequest{
		Peer: ip, Message: text, Entities: ents, ReplyTo: out.replyTo, Effect: out.effect,
		NoWebpage: out.noWebpage, InvertMedia: out.invertMedia,
	}
	return c.boolCall(ctx, "save draft", req)
}

// ClearDraft deletes the account's draft in chat.
func (c *Client) ClearDraft(ctx context.Context, chat any) error {
	return c.SaveDraft(ctx, chat, "")
}

// GetDrafts returns the account's drafts in every chat, latest first.
func (c *Client) GetDrafts(ctx context.Context) ([]*types.Draft, error) {
	u, err := c.updated(ctx, "get drafts", &tg.MessagesGetAllDraftsRequest{})
	if err != nil {
		return nil, err
	}
	list, users, chats, _ := updatesParts(u)
	e := types.NewEntities(users, chats)
	out := make([]*types.Draft, 0, len(list))
	for _, up := range list {
		if d := types.NewDraft(up, e); d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// ClearAllDrafts deletes the account's drafts in every chat.
func (c *Client) ClearAllDrafts(ctx context.Context) error {
	return c.boolCall(ctx, "clear all drafts", &tg.MessagesClearAllDraftsRequest{})
}
