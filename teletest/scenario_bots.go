package teletest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Bot interactions of a scenario: pressing inline buttons, inline queries, and waiting for
// any pushed update (a bot's callback query, an edit).

// updatesIn lists the updates one pushed Updates object carries (short messages are
// reported by Expect instead).
func updatesIn(u tg.UpdatesClass) []tg.UpdateClass {
	switch u := u.(type) {
	case *tg.Updates:
		return u.Updates
	case *tg.UpdatesCombined:
		return u.Updates
	case *tg.UpdateShort:
		return []tg.UpdateClass{u.Update}
	}
	return nil
}

// Input returns the InputPeer of p as the actor sees it (resolved over the wire once).
func (a *Actor) Input(p Peer) tg.InputPeerClass {
	a.s.tb.Helper()
	return a.input(p)
}

// ExpectUpdate waits for the next update of type T pushed to a (inside updates,
// updatesCombined or updateShort), removes it from the actor's queue of updates and returns
// it. The test fails if none arrives within the scenario timeout. Examples:
//
//	q := teletest.ExpectUpdate[*tg.UpdateBotCallbackQuery](bot)
//	e := teletest.ExpectUpdate[*tg.UpdateEditMessage](alice)
func ExpectUpdate[T tg.UpdateClass](a *Actor) T {
	a.s.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), a.s.timeout)
	defer cancel()
	v, err := NextUpdate[T](ctx, a)
	if err != nil {
		a.s.tb.Fatal(err)
	}
	return v
}

// NextUpdate is ExpectUpdate for other goroutines than the test's: it returns an error
// instead of failing the test when ctx ends first. A test that plays a bot answers its
// queries from such a goroutine while the test goroutine plays the person.
func NextUpdate[T tg.UpdateClass](ctx context.Context, a *Actor) (T, error) {
	var zero T
	for {
		a.mu.Lock()
		wake := a.wake
		for i, u := range a.others {
			if v, ok := u.(T); ok {
				a.others = slices.Delete(a.others, i, i+1)
				a.mu.Unlock()
				return v, nil
			}
		}
		a.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return zero, fmt.Errorf("teletest: %s expected %T: %w", a.User.Username, zero, ctx.Err())
		}
	}
}

// Press presses the callback button with data under message msgID (the id in a's view) in
// chat p, and returns the bot's answer (messages.getBotCallbackAnswer). It blocks until the
// bot answers or the server's Config.BotTimeout passes (BOT_RESPONSE_TIMEOUT), so a test
// calls it on a goroutine of its own while it plays the bot.
func (a *Actor) Press(p Peer, msgID int32, data string) (*tg.MessagesBotCallbackAnswer, error) {
	return a.api.MessagesGetBotCallbackAnswer(a.s.ctx(), &tg.MessagesGetBotCallbackAnswerRequest{
		Peer: a.input(p), MsgID: msgID, Data: tl.Some([]byte(data)),
	})
}

// InlineQuery types query for bot (an *Actor or a Someone) in chat p (messages.getInlineBotResults) and returns the
// bot's results. It blocks like Press.
func (a *Actor) InlineQuery(bot Peer, p Peer, query string) (*tg.MessagesBotResults, error) {
	in, ok := a.input(bot).(*tg.InputPeerUser)
	if !ok {
		return nil, fmt.Errorf("teletest: %s: inline query: %s %d is not a bot", a.User.Username, bot.Ref().Kind, bot.Ref().ID)
	}
	return a.api.MessagesGetInlineBotResults(a.s.ctx(), &tg.MessagesGetInlineBotResultsRequest{
		Bot: &tg.InputUser{UserID: in.UserID, AccessHash: in.AccessHash}, Peer: a.input(p), Query: query,
	})
}

// SendInline sends result id of an inline answer into chat p (messages.sendInlineBotResult)
// and returns the message id in a's view of the chat.
func (a *Actor) SendInline(p Peer, res *tg.MessagesBotResults, id string) int32 {
	a.s.tb.Helper()
	u, err := a.api.MessagesSendInlineBotResult(a.s.ctx(), &tg.MessagesSendInlineBotResultRequest{
		Peer: a.input(p), RandomID: randomID(), QueryID: res.QueryID, ID: id,
	})
	if err != nil {
		a.s.tb.Fatalf("teletest: %s: send inline result %q: %v", a.User.Username, id, err)
	}
	for _, x := range updatesIn(u) {
		if x, ok := x.(*tg.UpdateMessageID); ok {
			return x.ID
		}
	}
	a.s.tb.Fatalf("teletest: %s: send inline result %q: no message id in %T", a.User.Username, id, u)
	return 0
}

// Promote makes a member an admin of a channel or supergroup (an admin bot receives join
// requests and members' reactions).
func (s *Scenario) Promote(c *Channel, a *Actor) {
	s.tb.Helper()
	if err := s.cl.world.Promote(c.ID, a.ID()); err != nil {
		s.tb.Fatalf("teletest: promote %s: %v", a.User.Username, err)
	}
}

// React sets a's reactions (emoticons; none removes them) on message msgID of chat p
// (messages.sendReaction).
func (a *Actor) React(p Peer, msgID int32, emoticons ...string) {
	a.s.tb.Helper()
	rs := make([]tg.ReactionClass, 0, len(emoticons))
	for _, e := range emoticons {
		rs = append(rs, &tg.ReactionEmoji{Emoticon: e})
	}
	if _, err := a.api.MessagesSendReaction(a.s.ctx(), &tg.MessagesSendReactionRequest{
		Peer: a.input(p), MsgID: msgID, Reaction: rs,
	}); err != nil {
		a.s.tb.Fatalf("teletest: %s: react to %d: %v", a.User.Username, msgID, err)
	}
}

// Boost spends a's boost slots (none: the first free one) on a channel or supergroup
// (premium.applyBoost); its admin bots receive updateBotChatBoost. Only premium people
// (Scenario.UserWith with Premium) may boost: others get PREMIUM_ACCOUNT_REQUIRED.
func (a *Actor) Boost(c *Channel, slots ...int32) error {
	_, err := a.api.PremiumApplyBoost(a.s.ctx(), &tg.PremiumApplyBoostRequest{Peer: a.input(c), Slots: slots})
	return err
}

// PostStory posts a photo story with caption, visible to everybody, as a itself
// (stories.sendStory) and returns its id. The people a has a private chat with receive
// updateStory.
func (a *Actor) PostStory(caption string) int32 {
	a.s.tb.Helper()
	ctx := a.s.ctx()
	file := randomID()
	if _, err := a.api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: file, Bytes: []byte("story")}); err != nil {
		a.s.tb.Fatalf("teletest: %s: upload a story: %v", a.User.Username, err)
	}
	res, err := a.api.StoriesSendStory(ctx, &tg.StoriesSendStoryRequest{
		Peer: &tg.InputPeerSelf{}, Media: &tg.InputMediaUploadedPhoto{File: &tg.InputFile{ID: file, Parts: 1}},
		Caption: tl.Some(caption), PrivacyRules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowAll{}}, RandomID: randomID(),
	})
	if err != nil {
		a.s.tb.Fatalf("teletest: %s: post a story: %v", a.User.Username, err)
	}
	for _, u := range updatesIn(res) {
		if id, ok := u.(*tg.UpdateStoryID); ok {
			return id.ID
		}
	}
	a.s.tb.Fatalf("teletest: %s: post a story: no story id in %T", a.User.Username, res)
	return 0
}

// InviteLink makes an invite link of a channel or supergroup a administers
// (messages.exportChatInvite); with requestNeeded, people who use it ask to join.
func (a *Actor) InviteLink(c *Channel, requestNeeded bool) string {
	a.s.tb.Helper()
	res, err := a.api.MessagesExportChatInvite(a.s.ctx(), &tg.MessagesExportChatInviteRequest{
		Peer: a.input(c), RequestNeeded: requestNeeded,
	})
	if err != nil {
		a.s.tb.Fatalf("teletest: %s: export invite: %v", a.User.Username, err)
	}
	return res.(*tg.ChatInviteExported).Link
}

// JoinLink joins through an invite link (messages.importChatInvite). A link that needs
// approval answers INVITE_REQUEST_SENT: the request waits for an admin.
func (a *Actor) JoinLink(link string) error {
	_, err := a.api.MessagesImportChatInvite(a.s.ctx(), &tg.MessagesImportChatInviteRequest{
		Hash: strings.TrimPrefix(link, "https://t.me/+"),
	})
	return err
}

// Pay pays the invoice of message msgID in chat p (payments.getPaymentForm, then
// payments.sendPaymentForm with made-up saved credentials: no money moves; or, for an invoice
// in Telegram Stars, payments.sendStarsForm from the actor's balance: see AddStars). It
// blocks until the bot answers its pre-checkout query, like Press.
func (a *Actor) Pay(p Peer, msgID int32) (*tg.PaymentsPaymentResult, error) {
	in := &tg.InputInvoiceMessage{Peer: a.input(p), MsgID: msgID}
	form, err := a.api.PaymentsGetPaymentForm(a.s.ctx(), &tg.PaymentsGetPaymentFormRequest{Invoice: in})
	if err != nil {
		return nil, err
	}
	var res tg.PaymentsPaymentResultClass
	switch f := form.(type) {
	case *tg.PaymentsPaymentForm:
		res, err = a.api.PaymentsSendPaymentForm(a.s.ctx(), &tg.PaymentsSendPaymentFormRequest{
			FormID: f.FormID, Invoice: in, Credentials: &tg.InputPaymentCredentialsSaved{ID: "teletest", TmpPassword: []byte{0}},
		})
	case *tg.PaymentsPaymentFormStars: // an invoice in Telegram Stars (XTR): paid from the balance (AddStars)
		res, err = a.api.PaymentsSendStarsForm(a.s.ctx(), &tg.PaymentsSendStarsFormRequest{FormID: f.FormID, Invoice: in})
	default:
		return nil, fmt.Errorf("teletest: payment form is %T", form)
	}
	if err != nil {
		return nil, err
	}
	r, ok := res.(*tg.PaymentsPaymentResult)
	if !ok {
		return nil, fmt.Errorf("teletest: payment answered %T", res)
	}
	return r, nil
}

// AddStars credits n Telegram Stars to the actor's balance, for paying Stars invoices.
func (a *Actor) AddStars(n int64) { a.s.cl.World().AddGiftStars(a.ID(), n) }
