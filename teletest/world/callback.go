package world

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Limits of Telegram's bot API that the world enforces.
const (
	// MaxCallbackData is the longest callback_data of an inline button, in bytes.
	MaxCallbackData = 64
	// MaxCallbackAnswer is the longest notification text of a callback answer, in characters.
	MaxCallbackAnswer  = 200
	maxKeyboardButtons = 100
)

// checkMarkup validates a keyboard a bot sends: callback data of 1..64 bytes and at most 100
// buttons.
func checkMarkup(m tg.ReplyMarkupClass) error {
	var rows []tg.KeyboardButtonRow
	switch m := m.(type) {
	case *tg.ReplyInlineMarkup:
		rows = m.Rows
	case *tg.ReplyKeyboardMarkup:
		rows = m.Rows
	}
	n := 0
	for _, r := range rows {
		for _, b := range r.Buttons {
			n++
			if cb, ok := b.(*tg.KeyboardButtonCallback); ok && (len(cb.Data) == 0 || len(cb.Data) > MaxCallbackData) {
				return ErrButtonDataInvalid
			}
		}
	}
	if n > maxKeyboardButtons {
		return ErrReplyMarkupInvalid
	}
	return nil
}

// hasButton reports whether the inline keyboard markup has a callback button with data (a
// game button when game is set), and whether that button asks for the 2FA password.
func hasButton(markup tg.ReplyMarkupClass, data []byte, game bool) (found, password bool) {
	m, ok := markup.(*tg.ReplyInlineMarkup)
	if !ok {
		return false, false
	}
	for _, r := range m.Rows {
		for _, b := range r.Buttons {
			switch b := b.(type) {
			case *tg.KeyboardButtonCallback:
				if !game && bytes.Equal(b.Data, data) {
					return true, b.RequiresPassword
				}
			case *tg.KeyboardButtonGame:
				if game {
					return true, false
				}
			}
		}
	}
	return false, false
}

// Callback is a press of an inline button (messages.getBotCallbackAnswer).
type Callback struct {
	Peer  tg.InputPeerClass
	MsgID int32
	Data  []byte
	Game  bool
	// Password proves the presser's 2FA password, for buttons with requires_password.
	Password tg.InputCheckPasswordSRPClass
}

// AskCallback answers the first half of messages.getBotCallbackAnswer: the person on key
// presses the button with c.Data of message c.MsgID in chat c.Peer (a private chat with the
// bot, or any chat the bot's message reached). The bot that owns the keyboard receives
// updateBotCallbackQuery (pushed, without pts or qts, like Telegram), or
// updateInlineBotCallbackQuery for a message sent through it in inline mode, or
// updateBusinessBotCallbackQuery for a message a business bot sent through its business
// connection (business_callback.go; DATA_INVALID once that connection cannot take the press).
// The caller waits on the returned Query for the bot's messages.setBotCallbackAnswer.
//
// A button with requires_password needs c.Password, the presser's 2FA password proved with
// SRP: PASSWORD_MISSING when the person has none, PASSWORD_REQUIRED when it is not given,
// PASSWORD_HASH_INVALID when wrong.
//
// Errors: BOT_METHOD_INVALID for bots, MESSAGE_ID_INVALID for a message the person cannot
// see, DATA_INVALID when the message has no callback button with that data.
func (w *World) AskCallback(key KeyID, c Callback) (*Query, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, c.Peer)
	if err != nil {
		return nil, err
	}
	now := w.now()
	m, err := w.messageIn(a, p, c.MsgID)
	if err != nil {
		return nil, err
	}
	bot := w.users[m.buttonsBot]
	biz, err := w.businessPressOf(a, p, m) // a message a business bot sent: business_callback.go
	if err != nil {
		return nil, err
	}
	if biz != nil {
		bot = w.users[biz.conn.bot]
	}
	found, needsPassword := hasButton(m.markup, c.Data, c.Game)
	if bot == nil || !found {
		return nil, ErrDataInvalid
	}
	if needsPassword {
		switch {
		case a.password == nil:
			return nil, rpcErr(400, "PASSWORD_MISSING")
		case c.Password == nil:
			return nil, rpcErr(400, "PASSWORD_REQUIRED")
		}
		if err := w.checkSRP(a, c.Password); err != nil {
			return nil, err
		}
	}
	q := w.newQuery(queryCallback, bot.id, a.id)
	var data tl.Opt[[]byte]
	var game tl.Opt[string] // a game button names the message's game
	if !c.Game {
		data = tl.Some(bytes.Clone(c.Data))
	} else if m.media != nil && m.media.game != nil {
		game = tl.Some(m.media.game.Game.ShortName)
	}
	var r refs
	r.add(UserPeer(a.id))
	var u tg.UpdateClass
	if biz != nil {
		u = w.businessCallbackQuery(biz, q.id, a, p, data, &r)
	} else if _, ok := w.inlineMsgs[m.inlineID]; ok && m.inlineID != 0 {
		u = &tg.UpdateInlineBotCallbackQuery{
			QueryID: q.id, UserID: a.id, MsgID: w.inlineMessageID(bot, m.inlineID),
			ChatInstance: w.chatInstance(bot.id, a.id, p), Data: data, GameShortName: game,
		}
	} else {
		// The chat and message id as the bot sees them: its own copy in private chats and
		// basic groups, the shared one in channels.
		botPeer, botMsg := p, m.id
		if p.Kind != PeerChannel {
			bm := w.copyFor(a.id, m, bot)
			if bm == nil {
				return nil, ErrMessageIDInvalid
			}
			botPeer, botMsg = bm.peer, bm.id
		}
		r.add(botPeer)
		u = &tg.UpdateBotCallbackQuery{
			QueryID: q.id, UserID: a.id, Peer: peerTG(botPeer), MsgID: botMsg,
			ChatInstance: w.chatInstance(bot.id, a.id, p), Data: data, GameShortName: game,
		}
	}
	w.push(bot.id, KeyID{}, w.longUpdates(bot.id, []tg.UpdateClass{u}, &r, now))
	return q, nil
}

// messageIn returns message id of chat p as a sees it: its own copy in private chats and
// basic groups, the channel's message otherwise (under w.mu).
func (w *World) messageIn(a *account, p Peer, id int32) (*message, error) {
	var m *message
	if p.Kind == PeerChannel {
		ch := w.channels[p.ID]
		if !ch.canRead(a.id, w.now()) {
			return nil, ErrChannelPrivate
		}
		m = ch.msgs[id]
	} else if bm := a.box.msgs[id]; bm != nil && bm.peer == p {
		m = bm
	}
	if m == nil {
		return nil, ErrMessageIDInvalid
	}
	return m, nil
}

// chatInstance is the stable chat_instance the bot sees for chat p as the presser sees it:
// the same whichever member presses (a private chat is named by its two people).
func (w *World) chatInstance(bot, presser int64, p Peer) int64 {
	if p.Kind == PeerUser {
		lo, hi := min(presser, p.ID), max(presser, p.ID)
		return w.accessHash(bot^lo, p.Kind+16, hi)
	}
	return w.accessHash(bot, p.Kind+16, p.ID)
}

// CallbackAnswer is messages.setBotCallbackAnswer.
type CallbackAnswer struct {
	QueryID   int64
	Message   string // notification or alert text; empty for none
	Alert     bool
	URL       string
	CacheTime int32
}

// AnswerCallback answers messages.setBotCallbackAnswer: the bot on key answers its pending
// callback query, and the person's messages.getBotCallbackAnswer returns
// messages.botCallbackAnswer with these fields. QUERY_ID_INVALID for a query that is unknown,
// another bot's, already answered or given up (BOT_RESPONSE_TIMEOUT); MESSAGE_TOO_LONG beyond
// 200 characters; URL_INVALID for a URL that is not http(s) or t.me.
func (w *World) AnswerCallback(key KeyID, ans CallbackAnswer) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	q, err := w.pendingQuery(ans.QueryID, queryCallback, a.id)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(ans.Message) > MaxCallbackAnswer {
		return ErrMessageTooLong
	}
	if ans.URL != "" && !validURL(ans.URL) {
		return ErrURLInvalid
	}
	res := &tg.MessagesBotCallbackAnswer{Alert: ans.Alert, CacheTime: ans.CacheTime}
	if ans.Message != "" {
		res.Message = tl.Some(ans.Message)
	}
	if ans.URL != "" {
		res.URL, res.HasURL = tl.Some(ans.URL), true
	}
	w.finish(q, res, nil)
	return nil
}

func validURL(u string) bool {
	for _, p := range []string{"https://", "http://", "tg://", "t.me/"} {
		if strings.HasPrefix(u, p) && len(u) > len(p) {
			return true
		}
	}
	return false
}
