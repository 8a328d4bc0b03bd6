package world

import (
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Callback buttons on messages a business bot sent through a business connection: the
// message is the business account's own (its author; buttonsBot names the account, not the
// bot), so a press does not go to the author but to the bot that sent the message, while its
// connection still serves the chat. The bot receives updateBusinessBotCallbackQuery with the
// connection id and the message as it sees it through the connection (the business
// account's copy, with the message it replies to) and answers with the usual
// messages.setBotCallbackAnswer; it edits the message through the connection
// (EditBusinessMessage).
//
// When the connection is gone (disconnected, or replaced by another bot), disabled, or no
// longer serves the chat, nobody can answer the button: messages.getBotCallbackAnswer fails
// at once with DATA_INVALID, one of the method's documented errors
// (method-usability-errors.csv), rather than waiting for BOT_RESPONSE_TIMEOUT.

// businessPress is a press of a button on a message sent through a business connection.
type businessPress struct {
	conn  *businessConn
	owner *account
	msg   *message // the business account's copy of the message
}

// businessPressOf returns the press of presser a on message m of chat p when a business bot
// sent m; nil, nil for any other message. DATA_INVALID when the connection that sent m
// cannot take the press, MESSAGE_ID_INVALID when the business account no longer has the
// message (under w.mu).
func (w *World) businessPressOf(a *account, p Peer, m *message) (*businessPress, error) {
	if m.viaBusinessBot == 0 || p.Kind != PeerUser {
		return nil, nil
	}
	owner := w.users[m.from]
	if owner == nil {
		return nil, ErrDataInvalid
	}
	c := owner.business
	partner := a.id
	if a.id == owner.id {
		partner = p.ID
	}
	if c == nil || c.bot != m.viaBusinessBot || !c.serves(w, partner) { // serves: not disabled
		return nil, ErrDataInvalid
	}
	own := m
	if a.id != owner.id {
		own = w.copyFor(a.id, m, owner)
		if own == nil || own.peer != UserPeer(partner) {
			return nil, ErrMessageIDInvalid
		}
	}
	return &businessPress{conn: c, owner: owner, msg: own}, nil
}

// businessCallbackQuery builds updateBusinessBotCallbackQuery for query id pressed by a in chat p, adding
// the peers it names to r (under w.mu).
func (w *World) businessCallbackQuery(bp *businessPress, id int64, a *account, p Peer, data tl.Opt[[]byte], r *refs) tg.UpdateClass {
	r.add(UserPeer(bp.owner.id))
	msg, reply := w.businessView(bp.owner, bp.msg, r)
	return &tg.UpdateBusinessBotCallbackQuery{
		QueryID: id, UserID: a.id, ConnectionID: bp.conn.id, Message: msg, ReplyToMessage: reply,
		ChatInstance: w.chatInstance(bp.conn.bot, a.id, p), Data: data,
	}
}
