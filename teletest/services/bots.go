package services

import (
	"context"
	"time"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// DefaultBotTimeout is how long a person's callback or inline query waits for the bot.
const DefaultBotTimeout = 15 * time.Second

// Waits reports whether method (a constructor id) waits for another account, a bot's answer
// given on another connection: messages.getBotCallbackAnswer,
// messages.getInlineBotResults, payments.sendPaymentForm and payments.sendStarsForm (the
// pre-checkout query) and payments.validateRequestedInfo (the shipping query). The network layer runs such calls off the connection's
// goroutine, so the connection keeps answering other calls and pushing updates meanwhile, as
// Telegram does.
func Waits(method uint32) bool {
	switch method {
	case tg.MessagesGetBotCallbackAnswerRequestTypeID, tg.MessagesGetInlineBotResultsRequestTypeID,
		tg.PaymentsSendPaymentFormRequestTypeID, tg.PaymentsValidateRequestedInfoRequestTypeID,
		tg.PaymentsSendStarsFormRequestTypeID:
		return true
	}
	return false
}

// Methods where a person asks a bot and waits for its answer, given on another connection:
// callback buttons and inline mode. The world records the question and pushes it to the bot;
// the handler waits here, outside the world's lock, until the bot's answer completes the
// query, the timeout passes (BOT_RESPONSE_TIMEOUT) or the call's context ends.

func (d *Dispatcher) registerBots() {
	h := d.handlers
	w := d.w
	h[tg.MessagesGetBotCallbackAnswerRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.MessagesGetBotCallbackAnswerRequest) (tl.Encoder, error) {
		q, err := w.AskCallback(c.AuthKeyID, world.Callback{Peer: r.Peer, MsgID: r.MsgID, Data: r.Data.Value, Game: r.Game, Password: r.Password})
		if err != nil {
			return nil, err
		}
		return d.await(ctx, q)
	})
	h[tg.MessagesSetBotCallbackAnswerRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSetBotCallbackAnswerRequest) (tl.Encoder, error) {
		return done(w.AnswerCallback(c.AuthKeyID, world.CallbackAnswer{
			QueryID: r.QueryID, Message: r.Message.Value, Alert: r.Alert, URL: r.URL.Value, CacheTime: r.CacheTime,
		}))
	})
	h[tg.MessagesGetInlineBotResultsRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.MessagesGetInlineBotResultsRequest) (tl.Encoder, error) {
		q, err := w.AskInline(c.AuthKeyID, world.InlineQuery{Bot: r.Bot, Peer: r.Peer, Query: r.Query, Offset: r.Offset})
		if err != nil {
			return nil, err
		}
		return d.await(ctx, q)
	})
	h[tg.MessagesSetInlineBotResultsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSetInlineBotResultsRequest) (tl.Encoder, error) {
		return done(w.AnswerInline(c.AuthKeyID, world.InlineResults{
			QueryID: r.QueryID, Results: r.Results, CacheTime: r.CacheTime, NextOffset: r.NextOffset.Value,
			Gallery: r.Gallery, Private: r.Private, SwitchPM: r.SwitchPm,
		}))
	})
	h[tg.MessagesSendReactionRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendReactionRequest) (tl.Encoder, error) {
		return answer(w.SendReaction(c.AuthKeyID, world.Reaction{Peer: r.Peer, MsgID: r.MsgID, Reactions: r.Reaction, Big: r.Big}))
	})
	h[tg.MessagesExportChatInviteRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesExportChatInviteRequest) (tl.Encoder, error) {
		return answer(w.ExportInvite(c.AuthKeyID, r.Peer, world.InviteSpec{
			RequestNeeded: r.RequestNeeded, ExpireDate: r.ExpireDate.Value, UsageLimit: r.UsageLimit.Value, Title: r.Title.Value,
		}))
	})
	h[tg.MessagesCheckChatInviteRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesCheckChatInviteRequest) (tl.Encoder, error) {
		return answer(w.CheckInvite(c.AuthKeyID, r.Hash))
	})
	h[tg.MessagesImportChatInviteRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesImportChatInviteRequest) (tl.Encoder, error) {
		return answer(w.ImportInvite(c.AuthKeyID, r.Hash))
	})
	h[tg.MessagesHideChatJoinRequestRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesHideChatJoinRequestRequest) (tl.Encoder, error) {
		return answer(w.HideJoinRequest(c.AuthKeyID, r.Peer, r.UserID, r.Approved))
	})
	h[tg.MessagesSendVoteRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendVoteRequest) (tl.Encoder, error) {
		return answer(w.SendVote(c.AuthKeyID, world.Vote{Peer: r.Peer, MsgID: r.MsgID, Options: r.Options}))
	})
	h[tg.PaymentsGetPaymentFormRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetPaymentFormRequest) (tl.Encoder, error) {
		return answer(w.PaymentForm(c.AuthKeyID, r.Invoice))
	})
	h[tg.PaymentsSendPaymentFormRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.PaymentsSendPaymentFormRequest) (tl.Encoder, error) {
		q, err := w.AskPayment(c.AuthKeyID, world.Payment{
			FormID: r.FormID, Invoice: r.Invoice, InfoID: r.RequestedInfoID.Value, ShippingOptionID: r.ShippingOptionID.Value,
		})
		if err != nil {
			return nil, err
		}
		return d.await(ctx, q)
	})
	h[tg.PaymentsValidateRequestedInfoRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.PaymentsValidateRequestedInfoRequest) (tl.Encoder, error) {
		q, res, err := w.ValidateInfo(c.AuthKeyID, world.RequestedInfo{Invoice: r.Invoice, Info: r.Info})
		if err != nil {
			return nil, err
		}
		if q == nil {
			return res, nil
		}
		return d.await(ctx, q)
	})
	h[tg.MessagesSetBotShippingResultsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSetBotShippingResultsRequest) (tl.Encoder, error) {
		return done(w.AnswerShipping(c.AuthKeyID, r.QueryID, r.Error.Value, r.ShippingOptions))
	})
	h[tg.MessagesSetBotPrecheckoutResultsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSetBotPrecheckoutResultsRequest) (tl.Encoder, error) {
		return done(w.AnswerPrecheckout(c.AuthKeyID, r.QueryID, r.Success, r.Error.Value))
	})
	h[tg.MessagesSendInlineBotResultRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendInlineBotResultRequest) (tl.Encoder, error) {
		return answer(w.SendInlineResult(c.AuthKeyID, world.InlineSend{
			Peer: r.Peer, RandomID: r.RandomID, QueryID: r.QueryID, ID: r.ID, Silent: r.Silent, ReplyTo: replyTo(r.ReplyTo),
		}))
	})
}

// await waits for the bot's answer to q. On timeout or cancellation the query is withdrawn,
// so a late answer from the bot gets QUERY_ID_INVALID; an answer that raced the timer wins.
func (d *Dispatcher) await(ctx context.Context, q *world.Query) (tl.Encoder, error) {
	t := time.NewTimer(d.botTimeout)
	defer t.Stop()
	select {
	case <-q.Done():
		return q.Answer()
	case <-t.C:
		if q.Cancel() {
			return nil, world.ErrBotResponseTimeout
		}
	case <-ctx.Done():
		// The call's context ends with the server: Telegram's answer to a call cut short
		// inside is 500 TIMEOUT.
		if q.Cancel() {
			return nil, world.ErrTimeout
		}
	}
	return q.Answer()
}
