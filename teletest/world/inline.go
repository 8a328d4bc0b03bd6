package world

import (
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

const (
	// MaxInlineResults is the most results one messages.setInlineBotResults may carry.
	MaxInlineResults = 50
	// maxInlineAnswers bounds the answered inline queries kept for sendInlineBotResult; older
	// ones answer INLINE_RESULT_EXPIRED.
	maxInlineAnswers = 1024
	maxNextOffset    = 64
)

// inlineAnswer is what a bot answered to one inline query, kept so the person can send a
// result with messages.sendInlineBotResult.
type inlineAnswer struct {
	bot, user int64
	query     string
	results   map[string]content
}

// inlineLocation is where a message sent through an inline bot lives: the sender's copy in
// private chats and basic groups, the channel's message otherwise.
type inlineLocation struct {
	owner int64 // the sender (private chats, basic groups); 0 in channels
	peer  Peer
	id    int32
	// dc is the data center holding the message, the sender's home: calls about it
	// (editInlineBotMessage, setInlineGameScore, ...) must reach that data center.
	dc int
}

// inlineMessageID renders the inline message id as the bot sees it.
func (w *World) inlineMessageID(bot *account, id int64) *tg.InputBotInlineMessageID {
	dc := bot.dc
	if loc, ok := w.inlineMsgs[id]; ok && loc.dc != 0 {
		dc = loc.dc
	}
	return &tg.InputBotInlineMessageID{DCID: int32(dc), ID: id, AccessHash: w.accessHash(bot.id, 32, id)}
}

// InlineQuery is messages.getInlineBotResults.
type InlineQuery struct {
	Bot    tg.InputUserClass
	Peer   tg.InputPeerClass // the chat the person types in
	Query  string
	Offset string
}

// AskInline answers the first half of messages.getInlineBotResults: the bot receives
// updateBotInlineQuery (pushed, no pts) and the caller waits on the returned Query for its
// messages.setInlineBotResults. BOT_METHOD_INVALID for bots, BOT_INVALID when Bot is not a
// bot, BOT_INLINE_DISABLED when it has no inline mode (BotSpec.Inline).
func (w *World) AskInline(key KeyID, iq InlineQuery) (*Query, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if iq.Bot == nil {
		return nil, ErrBotInvalid
	}
	bot, err := w.resolveUser(a, iq.Bot)
	if err != nil {
		return nil, err
	}
	if !bot.bot {
		return nil, ErrBotInvalid
	}
	if !bot.inline {
		return nil, ErrBotInlineDisabled
	}
	var peerType tg.InlineQueryPeerTypeClass
	if _, empty := iq.Peer.(*tg.InputPeerEmpty); iq.Peer != nil && !empty {
		p, err := w.resolvePeer(a, iq.Peer)
		if err != nil {
			return nil, err
		}
		peerType = w.inlinePeerType(bot, p)
	}
	q := w.newQuery(queryInline, bot.id, a.id)
	q.text = iq.Query
	var r refs
	r.add(UserPeer(a.id))
	u := &tg.UpdateBotInlineQuery{QueryID: q.id, UserID: a.id, Query: iq.Query, Offset: iq.Offset, PeerType: peerType}
	w.push(bot.id, KeyID{}, w.longUpdates(bot.id, []tg.UpdateClass{u}, &r, w.now()))
	return q, nil
}

// inlinePeerType names the kind of chat p for the bot (updateBotInlineQuery.peer_type).
func (w *World) inlinePeerType(bot *account, p Peer) tg.InlineQueryPeerTypeClass {
	switch p.Kind {
	case PeerChat:
		return &tg.InlineQueryPeerTypeChat{}
	case PeerChannel:
		if ch := w.channels[p.ID]; ch != nil && ch.megagroup {
			return &tg.InlineQueryPeerTypeMegagroup{}
		}
		return &tg.InlineQueryPeerTypeBroadcast{}
	}
	if p.ID == bot.id {
		return &tg.InlineQueryPeerTypeSameBotPM{}
	}
	if u := w.users[p.ID]; u != nil && u.bot {
		return &tg.InlineQueryPeerTypeBotPM{}
	}
	return &tg.InlineQueryPeerTypePM{}
}

// InlineResults is messages.setInlineBotResults.
type InlineResults struct {
	QueryID    int64
	Results    []tg.InputBotInlineResultClass
	CacheTime  int32
	NextOffset string
	Gallery    bool
	Private    bool
	SwitchPM   *tg.InlineBotSwitchPM
}

// AnswerInline answers messages.setInlineBotResults: the person's pending
// messages.getInlineBotResults returns messages.botResults with the results, which the person
// may then send with messages.sendInlineBotResult. Results are inputBotInlineResult with an
// inputBotInlineMessageText to send (other kinds answer RESULT_TYPE_INVALID or
// SEND_MESSAGE_TYPE_INVALID in the test world). USER_BOT_REQUIRED for people,
// QUERY_ID_INVALID for a query that is not pending for this bot.
func (w *World) AnswerInline(key KeyID, ans InlineResults) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	if !a.bot {
		return ErrUserBotRequired
	}
	q, err := w.pendingQuery(ans.QueryID, queryInline, a.id)
	if err != nil {
		return err
	}
	if len(ans.NextOffset) > maxNextOffset {
		return ErrNextOffsetInvalid
	}
	results, stored, err := w.inlineResults(a, ans.Results)
	if err != nil {
		return err
	}
	if err := w.attachWebDocuments(q.user, ans.Results, results); err != nil { // webfile.go
		return err
	}
	res := &tg.MessagesBotResults{
		Gallery: ans.Gallery, QueryID: q.id, SwitchPm: ans.SwitchPM, Results: results,
		CacheTime: ans.CacheTime, Users: []tg.UserClass{w.tgUser(q.user, a)},
	}
	if ans.NextOffset != "" {
		res.NextOffset = tl.Some(ans.NextOffset)
	}
	w.keepInline(q.id, &inlineAnswer{bot: a.id, user: q.user, query: q.text, results: stored})
	w.finish(q, res, nil)
	return nil
}

// keepInline remembers an inline answer, forgetting the oldest beyond maxInlineAnswers.
func (w *World) keepInline(id int64, ans *inlineAnswer) {
	keepBounded(w.inline, &w.inlineFIFO, id, ans, maxInlineAnswers)
}

// keepBounded stores v under id in m and forgets the oldest entries (in fifo order) beyond
// limit, so tables fed by clients stay bounded in long runs.
func keepBounded[V any](m map[int64]V, fifo *[]int64, id int64, v V, limit int) {
	m[id] = v
	*fifo = append(*fifo, id)
	if n := len(*fifo) - limit; n > 0 {
		for _, old := range (*fifo)[:n] {
			delete(m, old)
		}
		*fifo = append((*fifo)[:0:0], (*fifo)[n:]...)
	}
}

// inlineResultTypes are the result types Telegram accepts.
var inlineResultTypes = map[string]bool{
	"article": true, "photo": true, "gif": true, "mpeg4_gif": true, "video": true, "audio": true,
	"voice": true, "document": true, "location": true, "venue": true, "contact": true,
	"game": true, "sticker": true,
}

// inlineResults validates a bot's results and returns them as the person sees them and as
// contents ready to send, by result id.
func (w *World) inlineResults(bot *account, in []tg.InputBotInlineResultClass) ([]tg.BotInlineResultClass, map[string]content, error) {
	if len(in) > MaxInlineResults {
		return nil, nil, rpcErr(400, "RESULTS_TOO_MUCH")
	}
	out := make([]tg.BotInlineResultClass, 0, len(in))
	stored := make(map[string]content, len(in))
	for _, r := range in {
		res, c, err := w.inlineResult(bot, r)
		if err != nil {
			return nil, nil, err
		}
		id := inlineResultID(r)
		if _, dup := stored[id]; dup {
			return nil, nil, ErrResultIDDuplicate
		}
		c.viaBot = bot.id
		stored[id] = c
		out = append(out, res)
	}
	return out, stored, nil
}

// inlineResultID returns the id of an input result.
func inlineResultID(r tg.InputBotInlineResultClass) string {
	switch r := r.(type) {
	case *tg.InputBotInlineResult:
		return r.ID
	case *tg.InputBotInlineResultPhoto:
		return r.ID
	case *tg.InputBotInlineResultDocument:
		return r.ID
	case *tg.InputBotInlineResultGame:
		return r.ID
	}
	return ""
}

// inlineResult checks one result (under w.mu): a text, or media (a file by URL, a photo or
// document Telegram holds, a location, venue, contact or the bot's game) with a caption.
func (w *World) inlineResult(bot *account, in tg.InputBotInlineResultClass) (tg.BotInlineResultClass, content, error) {
	id := inlineResultID(in)
	if id == "" {
		return nil, content{}, ErrResultIDEmpty
	}
	var own tg.InputMediaClass // the result's own media, posted by inputBotInlineMessageMediaAuto
	var send tg.InputBotInlineMessageClass
	res := &tg.BotInlineResult{ID: id}
	switch r := in.(type) {
	case *tg.InputBotInlineResult:
		switch {
		case !inlineResultTypes[r.Type]:
			return nil, content{}, ErrResultTypeInvalid
		case r.Type == "article" && r.Title.Value == "":
			return nil, content{}, ErrArticleTitleEmpty
		}
		res.Type, res.Title, res.Description, res.URL = r.Type, r.Title, r.Description, r.URL
		if r.Content != nil {
			if r.Type == "photo" {
				own = &tg.InputMediaPhotoExternal{URL: r.Content.URL}
			} else {
				own = &tg.InputMediaDocumentExternal{URL: r.Content.URL}
			}
		}
		send = r.SendMessage
	case *tg.InputBotInlineResultPhoto:
		res.Type, own, send = r.Type, &tg.InputMediaPhoto{ID: r.Photo}, r.SendMessage
	case *tg.InputBotInlineResultDocument:
		res.Type, res.Title, res.Description = r.Type, r.Title, r.Description
		own, send = &tg.InputMediaDocument{ID: r.Document}, r.SendMessage
	case *tg.InputBotInlineResultGame:
		res.Type, send = "game", r.SendMessage
		own = &tg.InputMediaGame{ID: &tg.InputGameShortName{BotID: &tg.InputUserSelf{}, ShortName: r.ShortName}}
	default:
		return nil, content{}, ErrResultTypeInvalid
	}
	c, shown, err := w.inlineSendContent(bot, own, send)
	if err != nil {
		return nil, content{}, err
	}
	res.SendMessage = shown
	return res, c, nil
}

// inlineSendContent checks what sending a result posts (under w.mu) and returns it as content and
// as the person sees it in the list: a text, the result's own media (own) with a caption, or
// the location, venue or contact the message names. SEND_MESSAGE_TYPE_INVALID for a message
// that does not fit the result.
func (w *World) inlineSendContent(bot *account, own tg.InputMediaClass, send tg.InputBotInlineMessageClass) (content, tg.BotInlineMessageClass, error) {
	var text string
	var ents []tg.MessageEntityClass
	var markup tg.ReplyMarkupClass
	var posted tg.InputMediaClass
	switch m := send.(type) {
	case *tg.InputBotInlineMessageText:
		if m.Message == "" {
			return content{}, nil, ErrMessageEmpty
		}
		text, ents, markup = m.Message, m.Entities, m.ReplyMarkup
	case *tg.InputBotInlineMessageMediaAuto:
		text, ents, markup, posted = m.Message, m.Entities, m.ReplyMarkup, own
	case *tg.InputBotInlineMessageGame:
		if g, ok := own.(*tg.InputMediaGame); ok {
			posted, markup = g, m.ReplyMarkup
			if markup == nil { // Telegram adds the Play button
				markup = &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{&tg.KeyboardButtonGame{Text: "Play"}}}}}
			}
		}
	case *tg.InputBotInlineMessageMediaGeo:
		posted, markup = &tg.InputMediaGeoPoint{GeoPoint: m.GeoPoint}, m.ReplyMarkup
	case *tg.InputBotInlineMessageMediaVenue:
		posted = &tg.InputMediaVenue{GeoPoint: m.GeoPoint, Title: m.Title, Address: m.Address, Provider: m.Provider, VenueID: m.VenueID, VenueType: m.VenueType}
		markup = m.ReplyMarkup
	case *tg.InputBotInlineMessageMediaContact:
		posted = &tg.InputMediaContact{PhoneNumber: m.PhoneNumber, FirstName: m.FirstName, LastName: m.LastName, Vcard: m.Vcard}
		markup = m.ReplyMarkup
	}
	if posted == nil && text == "" {
		return content{}, nil, ErrSendMessageTypeInvalid
	}
	if utf8.RuneCountInString(text) > MaxMessageLength {
		return content{}, nil, ErrMessageTooLong
	}
	ents, err := w.storedEntities(bot, ents)
	if err != nil {
		return content{}, nil, err
	}
	if markup != nil {
		if _, inline := markup.(*tg.ReplyInlineMarkup); !inline {
			return content{}, nil, ErrReplyMarkupInvalid
		}
		if err := checkMarkup(markup); err != nil {
			return content{}, nil, err
		}
	}
	c := content{text: text, entities: ents, markup: markup}
	if posted == nil {
		t, _ := send.(*tg.InputBotInlineMessageText)
		return c, &tg.BotInlineMessageText{NoWebpage: t != nil && t.NoWebpage, Message: text, Entities: ents, ReplyMarkup: markup}, nil
	}
	var m *media
	if g, ok := posted.(*tg.InputMediaGame); ok {
		m, err = w.newGame(bot, g)
	} else {
		m, err = w.inputMedia(bot, posted)
	}
	if err != nil {
		return content{}, nil, err
	}
	c.media = m
	return c, &tg.BotInlineMessageMediaAuto{Message: text, Entities: ents, ReplyMarkup: markup}, nil
}

// InlineSend is messages.sendInlineBotResult.
type InlineSend struct {
	Peer     tg.InputPeerClass
	RandomID int64
	QueryID  int64
	ID       string
	Silent   bool
	ReplyTo  int32
}

// SendInlineResult answers messages.sendInlineBotResult: the person on key sends result s.ID
// of the bot's answer to query s.QueryID into chat s.Peer, as a message with via_bot_id. A
// message with an inline keyboard gets an inline message id: its button presses reach the
// bot as updateInlineBotCallbackQuery. A bot with BotSpec.InlineFeedback receives
// updateBotInlineSend (with that id as msg_id). QUERY_ID_EMPTY for 0, INLINE_RESULT_EXPIRED
// for a query not answered to this person (or forgotten), RESULT_ID_INVALID for an id not
// among the results.
func (w *World) SendInlineResult(key KeyID, s InlineSend) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if s.QueryID == 0 {
		return nil, ErrQueryIDEmpty
	}
	ans := w.inline[s.QueryID]
	if ans == nil || ans.user != a.id {
		return nil, ErrInlineResultExpired
	}
	c, ok := ans.results[s.ID]
	if !ok {
		return nil, rpcErr(400, "RESULT_ID_INVALID")
	}
	bot := w.users[ans.bot]
	if bot == nil {
		return nil, ErrInlineResultExpired
	}
	p, err := w.resolvePeer(a, s.Peer)
	if err != nil {
		return nil, err
	}
	c.silent, c.replyTo = s.Silent, s.ReplyTo
	st, inlineID, err := w.sendViaBot(a, key, p, c, s.RandomID)
	if err != nil {
		return nil, err
	}
	if bot.inlineFeedback {
		u := &tg.UpdateBotInlineSend{UserID: a.id, Query: ans.query, ID: s.ID}
		if inlineID != 0 {
			u.MsgID = w.inlineMessageID(bot, inlineID)
		}
		var r refs
		r.add(UserPeer(a.id))
		w.push(bot.id, KeyID{}, w.longUpdates(bot.id, []tg.UpdateClass{u}, &r, st.date))
	}
	return w.sentUpdates(a, st, s.RandomID), nil
}

// sendViaBot delivers c, a message via an inline bot, from a into chat p (under w.mu). A
// message with a keyboard gets an inline message id, kept with where the message lives (on
// a's data center); 0 otherwise.
func (w *World) sendViaBot(a *account, key KeyID, p Peer, c content, randomID int64) (sent, int64, error) {
	var inlineID int64
	if c.markup != nil {
		for inlineID == 0 {
			inlineID = w.randomInt64()
		}
		c.inlineID = inlineID
	}
	st, err := w.deliverOnce(a, key, p, c, randomID)
	if err != nil {
		return sent{}, 0, err
	}
	if inlineID != 0 {
		loc := inlineLocation{owner: a.id, peer: p, id: st.id, dc: a.dc}
		if p.Kind == PeerChannel {
			loc.owner = 0
		}
		keepBounded(w.inlineMsgs, &w.inlineMsgFIFO, inlineID, loc, w.cfg.MaxBoxMessages)
	}
	return st, inlineID, nil
}

// EditInline answers messages.editInlineBotMessage on any data center (EditInlineAt checks
// it).
func (w *World) EditInline(key KeyID, in tg.InputBotInlineMessageIDClass, e Edit) error {
	return w.EditInlineAt(key, 0, in, e)
}

// EditInlineAt answers messages.editInlineBotMessage called on data center dc (0: not
// checked): the inline bot that sent a message through a person (its inline message id,
// from updateBotInlineSend or updateInlineBotCallbackQuery) changes its text and keyboard in
// every copy; each holder gets updateEditMessage (updateEditChannelMessage in channels).
// MESSAGE_ID_INVALID for an id that is unknown, forged, another bot's or used on another data
// center than the one it names; MESSAGE_NOT_MODIFIED for no change.
func (w *World) EditInlineAt(key KeyID, dc int, in tg.InputBotInlineMessageIDClass, e Edit) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	m, ch, loc, err := w.inlineMessage(a, dc, in)
	if err != nil {
		return err
	}
	pe, err := w.prepareEdit(a, e)
	if err != nil {
		return err
	}
	if err := pe.check(m); err != nil {
		return err
	}
	if ch != nil {
		w.editChannelMessage(key, a.id, ch, m, pe)
	} else {
		w.editCopies(key, a.id, loc.owner, m, pe)
	}
	return nil
}

// inlineMessage finds the message an inline message id names for its bot a, called on data
// center dc (0: not checked); MESSAGE_ID_INVALID when there is none (under w.mu). ch is its
// channel, nil outside channels.
func (w *World) inlineMessage(a *account, dc int, in tg.InputBotInlineMessageIDClass) (*message, *channel, inlineLocation, error) {
	id, ok := in.(*tg.InputBotInlineMessageID)
	if !ok {
		return nil, nil, inlineLocation{}, ErrMessageIDInvalid
	}
	loc, ok := w.inlineMsgs[id.ID]
	if !ok || id.AccessHash != w.accessHash(a.id, 32, id.ID) || (dc != 0 && loc.dc != 0 && dc != loc.dc) {
		return nil, nil, loc, ErrMessageIDInvalid
	}
	var m *message
	var ch *channel
	if loc.peer.Kind == PeerChannel {
		if ch = w.channels[loc.peer.ID]; ch != nil {
			m = ch.msgs[loc.id]
		}
	} else if o := w.users[loc.owner]; o != nil {
		m = o.box.msgs[loc.id]
	}
	if m == nil || m.inlineID != id.ID || m.viaBot != a.id {
		return nil, nil, loc, ErrMessageIDInvalid
	}
	return m, ch, loc, nil
}
