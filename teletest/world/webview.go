package world

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Mini Apps (web views): a person opens a bot's Mini App in a chat (messages.requestWebView);
// the world hands back the app's URL with the init data Telegram would pass the page
// (#tgWebAppData=...): query_id, user, auth_date, chat_type, signed with the bot's token (hash)
// and with the world's Ed25519 key (signature, WebAppKey). The app's server answers through
// the bot once (messages.sendWebViewResultMessage with that query_id): the result is sent in
// the chat as the person, via the bot.

// maxWebViews bounds the open Mini App sessions kept (oldest forgotten first).
const maxWebViews = 1024

// webView is an open Mini App session waiting for its answer.
type webView struct {
	user, bot int64
	peer      Peer
}

// WebAppKey returns the public key of the world's signature of Mini App init data (the part
// Telegram signs with its own key).
func (w *World) WebAppKey() ed25519.PublicKey {
	return ed25519.NewKeyFromSeed(w.secret[:]).Public().(ed25519.PublicKey)
}

// WebView is messages.requestWebView.
type WebView struct {
	Peer       tg.InputPeerClass
	Bot        tg.InputUserClass
	URL        string
	StartParam string
}

// RequestWebView answers messages.requestWebView: the Mini App's URL with its init data and
// the query id the bot answers. BOT_METHOD_INVALID for bots, BOT_INVALID for a person,
// URL_INVALID for a URL that is not https.
func (w *World) RequestWebView(key KeyID, v WebView) (*tg.WebViewResultURL, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	bot, err := w.resolveUser(a, v.Bot)
	if err != nil {
		return nil, err
	}
	if !bot.bot {
		return nil, ErrBotInvalid
	}
	p, err := w.resolvePeer(a, v.Peer)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(v.URL, "https://") {
		return nil, rpcErr(400, "URL_INVALID")
	}
	w.bots.init()
	id, _ := w.randomSlug()
	keepBounded(w.bots.webViews, &w.bots.webViewFIFO, id, &webView{user: a.id, bot: bot.id, peer: p}, maxWebViews)
	fields := url.Values{
		"query_id":  {strconv.FormatInt(id, 10)},
		"user":      {w.webAppUser(a)},
		"auth_date": {strconv.Itoa(int(w.now()))},
		"chat_type": {webAppChatType(a, p)},
	}
	if v.StartParam != "" {
		fields.Set("start_param", v.StartParam)
	}
	w.signInitData(fields, bot)
	return &tg.WebViewResultURL{QueryID: tl.Some(id), URL: v.URL + "#tgWebAppData=" + url.QueryEscape(fields.Encode())}, nil
}

// webAppUser renders a as the init data's user field.
func (w *World) webAppUser(a *account) string {
	b, _ := json.Marshal(struct {
		ID        int64  `json:"id"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name,omitempty"`
		Username  string `json:"username,omitempty"`
	}{a.id, a.firstName, a.lastName, a.username})
	return string(b)
}

func webAppChatType(a *account, p Peer) string {
	switch {
	case p == UserPeer(a.id):
		return "sender"
	case p.Kind == PeerUser:
		return "private"
	case p.Kind == PeerChat:
		return "group"
	}
	return "supergroup"
}

// signInitData adds the signature (the world's Ed25519 key over "<bot_id>:WebAppData" and
// the sorted fields) and the hash (HMAC-SHA-256 keyed with HMAC-SHA-256("WebAppData", the
// bot's token) over the sorted fields, the signature included), as Telegram documents them.
func (w *World) signInitData(fields url.Values, bot *account) {
	check := func() string {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		lines := make([]string, 0, len(keys))
		for _, k := range keys {
			lines = append(lines, k+"="+fields.Get(k))
		}
		return strings.Join(lines, "\n")
	}
	priv := ed25519.NewKeyFromSeed(w.secret[:])
	sig := ed25519.Sign(priv, []byte(strconv.FormatInt(bot.id, 10)+":WebAppData\n"+check()))
	fields.Set("signature", base64.RawURLEncoding.EncodeToString(sig))
	k := hmac.New(sha256.New, []byte("WebAppData"))
	k.Write([]byte(bot.token))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(check()))
	fields.Set("hash", hex.EncodeToString(m.Sum(nil)))
}

// SendWebViewResult answers messages.sendWebViewResultMessage: the bot on key sends result
// (checked as an inline result) for the Mini App session queryID, once, into its chat as the
// person, via the bot. The answer names the inline message when the result has a keyboard.
// USER_BOT_REQUIRED for people, QUERY_ID_INVALID for an unknown, answered or another bot's
// session.
func (w *World) SendWebViewResult(key KeyID, queryID string, result tg.InputBotInlineResultClass) (*tg.WebViewMessageSent, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, err := w.authorizedBot(key)
	if err != nil {
		return nil, err
	}
	w.bots.init()
	id, _ := strconv.ParseInt(queryID, 10, 64)
	v := w.bots.webViews[id]
	if v == nil || v.bot != bot.id {
		return nil, ErrQueryIDInvalid
	}
	user := w.users[v.user]
	if user == nil {
		return nil, ErrQueryIDInvalid
	}
	_, c, err := w.inlineResult(bot, result)
	if err != nil {
		return nil, err
	}
	c.viaBot = bot.id
	delete(w.bots.webViews, id)
	_, inlineID, err := w.sendViaBot(user, KeyID{}, v.peer, c, 0)
	if err != nil {
		return nil, err
	}
	res := &tg.WebViewMessageSent{}
	if inlineID != 0 {
		res.MsgID = w.inlineMessageID(bot, inlineID)
	}
	return res, nil
}
