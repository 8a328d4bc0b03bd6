package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The send family: every kind of message, albums, scheduled messages and drafts. The
// handlers of messages.sendMessage and messages.sendMedia registered here replace the plain
// ones of registerMethods, so the send options (schedule, protection, effect, topic, reply to
// another chat or a quote, send-as, clear_draft) reach the world.

// sendOptions is the part of a send request every send method shares.
type sendOptions struct {
	replyTo    tg.InputReplyToClass
	schedule   tl.Opt[int32]
	sendAs     tg.InputPeerClass
	effect     tl.Opt[int64]
	silent     bool
	noforwards bool
	clearDraft bool
}

// draft fills the world's Draft with o.
func (o sendOptions) draft(d world.Draft) world.Draft {
	d.Silent, d.Noforwards, d.ClearDraft = o.silent, o.noforwards, o.clearDraft
	d.ScheduleDate, d.Effect, d.SendAs = o.schedule.Value, o.effect.Value, o.sendAs
	if r, ok := o.replyTo.(*tg.InputReplyToMessage); ok {
		d.ReplyTo, d.TopMsgID, d.ReplyToPeer, d.Quote = r.ReplyToMsgID, r.TopMsgID.Value, r.ReplyToPeerID, r.QuoteText.Value
	}
	return d
}

func (d *Dispatcher) registerSend() {
	h := d.handlers
	w := d.w
	h[tg.MessagesSendMessageRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.MessagesSendMessageRequest) (tl.Encoder, error) {
		o := sendOptions{r.ReplyTo, r.ScheduleDate, r.SendAs, r.Effect, r.Silent, r.Noforwards, r.ClearDraft}
		return d.sendDraft(ctx, c, r.Peer, o.draft(world.Draft{
			RandomID: r.RandomID, Text: r.Message, Entities: r.Entities, ReplyMarkup: r.ReplyMarkup,
		}))
	})
	h[tg.MessagesSendMediaRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.MessagesSendMediaRequest) (tl.Encoder, error) {
		if r.Media == nil {
			return nil, world.ErrMediaEmpty
		}
		o := sendOptions{r.ReplyTo, r.ScheduleDate, r.SendAs, r.Effect, r.Silent, r.Noforwards, r.ClearDraft}
		return d.sendDraft(ctx, c, r.Peer, o.draft(world.Draft{
			RandomID: r.RandomID, Text: r.Message, Entities: r.Entities, Media: r.Media, ReplyMarkup: r.ReplyMarkup,
		}))
	})
	h[tg.MessagesSendMultiMediaRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendMultiMediaRequest) (tl.Encoder, error) {
		o := sendOptions{r.ReplyTo, r.ScheduleDate, r.SendAs, r.Effect, r.Silent, r.Noforwards, r.ClearDraft}
		return answer(w.SendAlbum(c.AuthKeyID, r.Peer, o.draft(world.Draft{}), albumItems(r.MultiMedia)))
	})

	// Scheduled messages.
	h[tg.MessagesGetScheduledHistoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetScheduledHistoryRequest) (tl.Encoder, error) {
		return answer(w.ScheduledMessages(c.AuthKeyID, r.Peer, nil))
	})
	h[tg.MessagesGetScheduledMessagesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetScheduledMessagesRequest) (tl.Encoder, error) {
		ids := r.ID
		if ids == nil {
			ids = []int32{}
		}
		return answer(w.ScheduledMessages(c.AuthKeyID, r.Peer, ids))
	})
	h[tg.MessagesSendScheduledMessagesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendScheduledMessagesRequest) (tl.Encoder, error) {
		return answer(w.SendScheduledNow(c.AuthKeyID, r.Peer, r.ID))
	})
	h[tg.MessagesDeleteScheduledMessagesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesDeleteScheduledMessagesRequest) (tl.Encoder, error) {
		return answer(w.DeleteScheduled(c.AuthKeyID, r.Peer, r.ID))
	})

	// Drafts.
	h[tg.MessagesSaveDraftRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSaveDraftRequest) (tl.Encoder, error) {
		return done(w.SaveDraft(c.AuthKeyID, world.SavedDraft{
			Peer: r.Peer, Text: r.Message, Entities: r.Entities, ReplyTo: r.ReplyTo, Media: r.Media,
			NoWebpage: r.NoWebpage, InvertMedia: r.InvertMedia, Effect: r.Effect.Value,
		}))
	})
	h[tg.MessagesGetAllDraftsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.MessagesGetAllDraftsRequest) (tl.Encoder, error) {
		return answer(w.AllDrafts(c.AuthKeyID))
	})
	h[tg.MessagesClearAllDraftsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.MessagesClearAllDraftsRequest) (tl.Encoder, error) {
		return done(w.ClearAllDrafts(c.AuthKeyID))
	})
}
