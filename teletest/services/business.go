package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Telegram Business: account.updateConnectedBot (people), account.getBotBusinessConnection
// (bots) and invokeWithBusinessConnection
// (bots, around messages.sendMessage and messages.sendMedia).

func (d *Dispatcher) registerBusiness() {
	h := d.handlers
	w := d.w
	h[tg.AccountUpdateConnectedBotRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdateConnectedBotRequest) (tl.Encoder, error) {
		return answer(w.UpdateConnectedBot(c.AuthKeyID, world.ConnectedBot{
			Bot: r.Bot, Rights: r.Rights, Recipients: r.Recipients, Deleted: r.Deleted,
		}))
	})
	h[tg.AccountGetBotBusinessConnectionRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountGetBotBusinessConnectionRequest) (tl.Encoder, error) {
		return answer(w.BotBusinessConnection(c.AuthKeyID, r.ConnectionID))
	})
	h[tg.InvokeWithBusinessConnectionRequestTypeID] = typed(d.invokeWithBusinessConnection)
}

// businessKey is the context key of the connection id of invokeWithBusinessConnection.
type businessKey struct{}

// businessConnection returns the connection id the request runs under, "" outside
// invokeWithBusinessConnection.
func businessConnection(ctx context.Context) string {
	id, _ := ctx.Value(businessKey{}).(string)
	return id
}

// invokeWithBusinessConnection runs its query on behalf of the connection's account. The
// test server supports sending (messages.sendMessage, messages.sendMedia); other queries
// answer METHOD_NOT_IMPLEMENTED.
func (d *Dispatcher) invokeWithBusinessConnection(ctx context.Context, c *Caller, req *tg.InvokeWithBusinessConnectionRequest) (tl.Encoder, error) {
	switch req.Query.(type) {
	case *tg.MessagesSendMessageRequest, *tg.MessagesSendMediaRequest:
	default:
		if _, ok := req.Query.(tl.Object); !ok || req.Query == nil {
			return nil, ErrInputMethodInvalid
		}
		return nil, ErrMethodNotImplemented
	}
	if req.ConnectionID == "" {
		return nil, world.ErrConnectionIDInvalid
	}
	return d.inner(context.WithValue(ctx, businessKey{}, req.ConnectionID), c, req.Query)
}

// sendDraft sends d to peer, on behalf of a business account inside
// invokeWithBusinessConnection.
func (d *Dispatcher) sendDraft(ctx context.Context, c *Caller, peer tg.InputPeerClass, dr world.Draft) (tl.Encoder, error) {
	if id := businessConnection(ctx); id != "" {
		return answer(d.w.SendBusinessMessage(c.AuthKeyID, id, peer, dr))
	}
	return answer(d.w.SendMessage(c.AuthKeyID, peer, dr))
}
