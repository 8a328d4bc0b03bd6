package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Telegram Business: account.updateConnectedBot (people), account.getBotBusinessConnection
// (bots) and invokeWithBusinessConnection (bots, around the message methods a business bot
// may call for its account: world/business_act.go).

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

// invokeWithBusinessConnection runs its query on behalf of the connection's account: sending
// (messages.sendMessage, messages.sendMedia, through the send handlers; albums with
// messages.sendMultiMedia), editing and stopping
// polls (messages.editMessage), deleting (messages.deleteMessages), reading
// (messages.readHistory), chat actions (messages.setTyping) and pins
// (messages.updatePinnedMessage). Other queries answer BUSINESS_CONNECTION_NOT_ALLOWED.
func (d *Dispatcher) invokeWithBusinessConnection(ctx context.Context, c *Caller, req *tg.InvokeWithBusinessConnectionRequest) (tl.Encoder, error) {
	if req.Query == nil {
		return nil, ErrInputMethodInvalid
	}
	w, call := d.w, world.BusinessCall{Key: c.AuthKeyID, DC: c.DC, Conn: req.ConnectionID}
	switch q := req.Query.(type) {
	case *tg.MessagesSendMessageRequest, *tg.MessagesSendMediaRequest:
		if call.Conn == "" {
			return nil, world.ErrConnectionIDInvalid
		}
		return d.inner(context.WithValue(ctx, businessKey{}, call.Conn), c, req.Query)
	case *tg.MessagesSendMultiMediaRequest:
		return answer(w.SendBusinessAlbum(call, q.Peer, world.Draft{ReplyTo: replyTo(q.ReplyTo), Silent: q.Silent}, albumItems(q.MultiMedia)))
	case *tg.MessagesEditMessageRequest:
		return answer(w.EditBusinessMessage(call, q.Peer, q.ID, editOf(q)))
	case *tg.MessagesDeleteMessagesRequest:
		return answer(w.DeleteBusinessMessages(call, q.ID, q.Revoke))
	case *tg.MessagesReadHistoryRequest:
		return answer(w.ReadBusinessHistory(call, q.Peer, q.MaxID))
	case *tg.MessagesSetTypingRequest:
		return done(w.SetBusinessTyping(call, q.Peer, q.Action))
	case *tg.MessagesUpdatePinnedMessageRequest:
		return answer(w.PinBusinessMessage(call, world.Pin{Peer: q.Peer, ID: q.ID, Unpin: q.Unpin, Silent: q.Silent, PmOneside: q.PmOneside}))
	}
	if _, ok := req.Query.(tl.Object); !ok {
		return nil, ErrInputMethodInvalid
	}
	return nil, world.ErrBusinessConnectionNotAllowed
}

// sendDraft sends d to peer, on behalf of a business account inside
// invokeWithBusinessConnection.
func (d *Dispatcher) sendDraft(ctx context.Context, c *Caller, peer tg.InputPeerClass, dr world.Draft) (tl.Encoder, error) {
	if id := businessConnection(ctx); id != "" {
		return answer(d.w.SendBusinessMessage(world.BusinessCall{Key: c.AuthKeyID, DC: c.DC, Conn: id}, peer, dr))
	}
	return answer(d.w.SendMessage(c.AuthKeyID, peer, dr))
}

// albumItems converts the items of messages.sendMultiMedia.
func albumItems(mm []tg.InputSingleMedia) []world.AlbumItem {
	items := make([]world.AlbumItem, len(mm))
	for i, m := range mm {
		items[i] = world.AlbumItem{RandomID: m.RandomID, Text: m.Message, Entities: m.Entities, Media: m.Media}
	}
	return items
}
