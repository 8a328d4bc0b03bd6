package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The bots family beyond callbacks and inline queries (bots.go): Stars invoices paid with
// payments.sendStarsForm, Stars balances, transactions, refunds and subscriptions, exported
// invoices, games and their scores, prepared inline messages, Mini App sessions, business
// profiles (greeting and away messages, chat links), and the data center check of the calls
// about an inline message (it lives on the data center its id names).
func (d *Dispatcher) registerBotPay() {
	h := d.handlers
	w := d.w
	h[tg.PaymentsSendStarsFormRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.PaymentsSendStarsFormRequest) (tl.Encoder, error) {
		q, err := w.AskPayment(c.AuthKeyID, world.Payment{FormID: r.FormID, Invoice: r.Invoice})
		if err != nil {
			return nil, err
		}
		return d.await(ctx, q)
	})
	h[tg.PaymentsGetStarsStatusRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetStarsStatusRequest) (tl.Encoder, error) {
		return answer(w.StarsStatus(c.AuthKeyID, world.StarsQuery{Peer: r.Peer}))
	})
	h[tg.PaymentsGetStarsTransactionsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetStarsTransactionsRequest) (tl.Encoder, error) {
		return answer(w.StarsStatus(c.AuthKeyID, world.StarsQuery{
			Peer: r.Peer, History: true, Inbound: r.Inbound, Outbound: r.Outbound, Ascending: r.Ascending,
			Offset: r.Offset, Limit: r.Limit,
		}))
	})
	h[tg.PaymentsRefundStarsChargeRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsRefundStarsChargeRequest) (tl.Encoder, error) {
		return answer(w.RefundStars(c.AuthKeyID, r.UserID, r.ChargeID))
	})
	h[tg.PaymentsExportInvoiceRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsExportInvoiceRequest) (tl.Encoder, error) {
		return answer(w.ExportInvoice(c.AuthKeyID, r.InvoiceMedia))
	})
	h[tg.MessagesSetGameScoreRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSetGameScoreRequest) (tl.Encoder, error) {
		return answer(w.SetGameScore(c.AuthKeyID, c.DC, world.GameScore{
			Peer: r.Peer, ID: r.ID, User: r.UserID, Score: r.Score, Force: r.Force, Edit: r.EditMessage,
		}))
	})
	h[tg.MessagesSetInlineGameScoreRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSetInlineGameScoreRequest) (tl.Encoder, error) {
		_, err := w.SetGameScore(c.AuthKeyID, c.DC, world.GameScore{
			Inline: r.ID, User: r.UserID, Score: r.Score, Force: r.Force, Edit: r.EditMessage,
		})
		return done(err)
	})
	h[tg.MessagesGetGameHighScoresRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetGameHighScoresRequest) (tl.Encoder, error) {
		return answer(w.HighScores(c.AuthKeyID, c.DC, world.GameScore{Peer: r.Peer, ID: r.ID, User: r.UserID}))
	})
	h[tg.MessagesGetInlineGameHighScoresRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetInlineGameHighScoresRequest) (tl.Encoder, error) {
		return answer(w.HighScores(c.AuthKeyID, c.DC, world.GameScore{Inline: r.ID, User: r.UserID}))
	})
	h[tg.MessagesSavePreparedInlineMessageRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSavePreparedInlineMessageRequest) (tl.Encoder, error) {
		return answer(w.SavePrepared(c.AuthKeyID, world.Prepared{Result: r.Result, User: r.UserID}))
	})
	h[tg.PaymentsGetStarsSubscriptionsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetStarsSubscriptionsRequest) (tl.Encoder, error) {
		return answer(w.StarsSubscriptions(c.AuthKeyID, r.Peer, r.Offset))
	})
	h[tg.PaymentsChangeStarsSubscriptionRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsChangeStarsSubscriptionRequest) (tl.Encoder, error) {
		var canceled *bool
		if r.Canceled.Set {
			canceled = &r.Canceled.Value
		}
		return done(w.ChangeSubscription(c.AuthKeyID, r.SubscriptionID, canceled))
	})
	h[tg.PaymentsBotCancelStarsSubscriptionRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsBotCancelStarsSubscriptionRequest) (tl.Encoder, error) {
		return done(w.BotCancelSubscription(c.AuthKeyID, r.UserID, r.ChargeID, r.Restore))
	})
	// Mini Apps (webview.go).
	h[tg.MessagesRequestWebViewRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesRequestWebViewRequest) (tl.Encoder, error) {
		return answer(w.RequestWebView(c.AuthKeyID, world.WebView{Peer: r.Peer, Bot: r.Bot, URL: r.URL.Value, StartParam: r.StartParam.Value}))
	})
	h[tg.MessagesSendWebViewResultMessageRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendWebViewResultMessageRequest) (tl.Encoder, error) {
		return answer(w.SendWebViewResult(c.AuthKeyID, r.BotQueryID, r.Result))
	})
	// Business profile: greeting and away messages, chat links (business_profile.go).
	h[tg.AccountUpdateBusinessGreetingMessageRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdateBusinessGreetingMessageRequest) (tl.Encoder, error) {
		return done(w.UpdateGreeting(c.AuthKeyID, r.Message))
	})
	h[tg.AccountUpdateBusinessAwayMessageRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdateBusinessAwayMessageRequest) (tl.Encoder, error) {
		return done(w.UpdateAway(c.AuthKeyID, r.Message))
	})
	h[tg.AccountCreateBusinessChatLinkRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountCreateBusinessChatLinkRequest) (tl.Encoder, error) {
		return answer(w.CreateChatLink(c.AuthKeyID, r.Link))
	})
	h[tg.AccountEditBusinessChatLinkRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountEditBusinessChatLinkRequest) (tl.Encoder, error) {
		return answer(w.EditChatLink(c.AuthKeyID, r.Slug, r.Link))
	})
	h[tg.AccountDeleteBusinessChatLinkRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountDeleteBusinessChatLinkRequest) (tl.Encoder, error) {
		return done(w.DeleteChatLink(c.AuthKeyID, r.Slug))
	})
	h[tg.AccountGetBusinessChatLinksRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AccountGetBusinessChatLinksRequest) (tl.Encoder, error) {
		return answer(w.ChatLinks(c.AuthKeyID))
	})
	h[tg.AccountResolveBusinessChatLinkRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountResolveBusinessChatLinkRequest) (tl.Encoder, error) {
		return answer(w.ResolveChatLink(c.AuthKeyID, r.Slug))
	})
	// An inline message is edited on the data center its id names.
	h[tg.MessagesEditInlineBotMessageRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesEditInlineBotMessageRequest) (tl.Encoder, error) {
		e := world.Edit{Entities: r.Entities, Media: r.Media, Markup: r.ReplyMarkup}
		if r.Message.Set {
			e.Text = &r.Message.Value
		}
		return done(w.EditInlineAt(c.AuthKeyID, c.DC, r.ID, e))
	})
}
