package teletest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func inlineKeyboard(text, data string) *tg.ReplyInlineMarkup {
	return &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: text, Data: []byte(data)},
	}}}}
}

type callResult[T any] struct {
	v   T
	err error
}

func goCall[T any](f func() (T, error)) <-chan callResult[T] {
	ch := make(chan callResult[T], 1)
	go func() {
		v, err := f()
		ch <- callResult[T]{v, err}
	}()
	return ch
}

// TestCallbackOverTheWire: a person presses a bot's button over real MTProto; while the
// person's call waits for the bot, the same connection answers other calls and receives the
// bot's edit; then the bot's answer arrives.
func TestCallbackOverTheWire(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, bot := s.User("alice"), s.Bot("press_bot")
	alice.Send(bot, "/start")
	bot.Expect(Text("/start").From(alice))

	botMsg := bot.SendMarkup(alice, "pick one", inlineKeyboard("Go", "go"))
	m := alice.Expect(Text("pick one").From(bot))
	alice.Input(bot) // resolve before the goroutine uses it
	answer := goCall(func() (*tg.MessagesBotCallbackAnswer, error) { return alice.Press(bot, m.ID, "go") })

	q := ExpectUpdate[*tg.UpdateBotCallbackQuery](bot)
	if q.UserID != alice.ID() || q.MsgID != botMsg || string(q.Data.Value) != "go" {
		t.Fatalf("bot got %+v", q)
	}
	// Alice's connection is not held by the waiting call.
	if _, err := alice.API().HelpGetNearestDC(s.ctx(), &tg.HelpGetNearestDCRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.API().MessagesEditMessage(s.ctx(), &tg.MessagesEditMessageRequest{
		Peer: bot.Input(alice), ID: botMsg, Message: tl.Some("went"), ReplyMarkup: inlineKeyboard("Back", "back"),
	}); err != nil {
		t.Fatal(err)
	}
	e := ExpectUpdate[*tg.UpdateEditMessage](alice)
	if em := e.Message.(*tg.Message); em.ID != m.ID || em.Message != "went" {
		t.Fatalf("alice sees edit %+v", em)
	}
	if _, err := bot.API().MessagesSetBotCallbackAnswer(s.ctx(), &tg.MessagesSetBotCallbackAnswerRequest{
		QueryID: q.QueryID, Message: tl.Some("done"),
	}); err != nil {
		t.Fatal(err)
	}
	got := <-answer
	if got.err != nil {
		t.Fatal(got.err)
	}
	if diff := cmp.Diff(&tg.MessagesBotCallbackAnswer{Message: tl.Some("done")}, got.v); diff != "" {
		t.Fatalf("answer (-want +got):\n%s", diff)
	}
}

// TestCallbackTimeoutOverTheWire: a bot that never answers costs the person
// BOT_RESPONSE_TIMEOUT after Config.BotTimeout.
func TestCallbackTimeoutOverTheWire(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t), BotTimeout: 50 * time.Millisecond})
	alice, bot := s.User("alice"), s.Bot("mute_bot")
	alice.Send(bot, "/start")
	bot.Expect(Text("/start").From(alice))
	bot.SendMarkup(alice, "pick", inlineKeyboard("Go", "go"))
	m := alice.Expect(Text("pick").From(bot))
	_, err := alice.Press(bot, m.ID, "go")
	if !errors.Is(err, &rpcerr.Error{Type: "BOT_RESPONSE_TIMEOUT"}) {
		t.Fatalf("press = %v, want BOT_RESPONSE_TIMEOUT", err)
	}
	q := ExpectUpdate[*tg.UpdateBotCallbackQuery](bot)
	_, err = bot.API().MessagesSetBotCallbackAnswer(s.ctx(), &tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID})
	if !errors.Is(err, &rpcerr.Error{Type: "QUERY_ID_INVALID"}) {
		t.Fatalf("late answer = %v, want QUERY_ID_INVALID", err)
	}
	if n := s.Cluster().World().PendingQueries(); n != 0 {
		t.Fatalf("%d queries pending", n)
	}
}

// TestInlineOverTheWire: a person types an inline query, the bot answers, the person sends a
// result into a group and a member presses its button; the bot hears every step.
func TestInlineOverTheWire(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, bob := s.User("alice"), s.User("bob")
	bot := s.BotWith(world.BotSpec{Username: "gif_bot", Inline: true, InlineFeedback: true})
	g := s.Group("fans", alice, bob)
	alice.Input(bot)
	results := goCall(func() (*tg.MessagesBotResults, error) { return alice.InlineQuery(bot, g, "cats") })

	q := ExpectUpdate[*tg.UpdateBotInlineQuery](bot)
	if q.UserID != alice.ID() || q.Query != "cats" {
		t.Fatalf("bot got %+v", q)
	}
	if _, err := bot.API().MessagesSetInlineBotResults(s.ctx(), &tg.MessagesSetInlineBotResultsRequest{
		QueryID: q.QueryID, Results: []tg.InputBotInlineResultClass{&tg.InputBotInlineResult{
			ID: "c1", Type: "article", Title: tl.Some("Cat"),
			SendMessage: &tg.InputBotInlineMessageText{Message: "a cat", ReplyMarkup: inlineKeyboard("Like", "like")},
		}},
	}); err != nil {
		t.Fatal(err)
	}
	got := <-results
	if got.err != nil {
		t.Fatal(got.err)
	}
	alice.SendInline(g, got.v, "c1")
	m := bob.Expect(Text("a cat").From(alice).In(g))
	sent := ExpectUpdate[*tg.UpdateBotInlineSend](bot)
	if sent.ID != "c1" || sent.MsgID == nil {
		t.Fatalf("inline send %+v", sent)
	}
	bob.Input(g)
	answer := goCall(func() (*tg.MessagesBotCallbackAnswer, error) { return bob.Press(g, m.ID, "like") })
	cq := ExpectUpdate[*tg.UpdateInlineBotCallbackQuery](bot)
	if cq.UserID != bob.ID() || !cmp.Equal(sent.MsgID, cq.MsgID) {
		t.Fatalf("inline callback %+v", cq)
	}
	if _, err := bot.API().MessagesSetBotCallbackAnswer(s.ctx(), &tg.MessagesSetBotCallbackAnswerRequest{QueryID: cq.QueryID}); err != nil {
		t.Fatal(err)
	}
	if got := <-answer; got.err != nil {
		t.Fatal(got.err)
	}
}

// TestJoinRequestAndReactionOverTheWire: a person asks to join a supergroup through a link
// that needs approval, the admin bot approves, the new member reacts to the bot's post and
// the bot and the other members hear of it.
func TestJoinRequestAndReactionOverTheWire(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, dan := s.User("alice"), s.User("dan")
	bot := s.Bot("door_bot")
	sg := s.Supergroup("club", alice, bot)
	s.Promote(sg, bot)

	link := bot.InviteLink(sg, true)
	if err := dan.JoinLink(link); !errors.Is(err, &rpcerr.Error{Type: "INVITE_REQUEST_SENT"}) {
		t.Fatalf("join = %v, want INVITE_REQUEST_SENT", err)
	}
	req := ExpectUpdate[*tg.UpdateBotChatInviteRequester](bot)
	if req.UserID != dan.ID() || req.Invite.(*tg.ChatInviteExported).Link != link {
		t.Fatalf("bot got %+v", req)
	}
	if p := ExpectUpdate[*tg.UpdatePendingJoinRequests](alice); p.RequestsPending != 1 {
		t.Fatalf("alice sees %+v", p)
	}
	du := bot.Input(dan).(*tg.InputPeerUser)
	if _, err := bot.API().MessagesHideChatJoinRequest(s.ctx(), &tg.MessagesHideChatJoinRequestRequest{
		Approved: true, Peer: bot.Input(sg), UserID: &tg.InputUser{UserID: du.UserID, AccessHash: du.AccessHash},
	}); err != nil {
		t.Fatal(err)
	}
	ExpectUpdate[*tg.UpdateChannel](dan)

	bot.Send(sg, "welcome dan")
	m := dan.Expect(Text("welcome dan").From(bot).In(sg))
	dan.React(sg, m.ID, "👍")
	r := ExpectUpdate[*tg.UpdateBotMessageReaction](bot)
	if r.Actor.(*tg.PeerUser).UserID != dan.ID() || r.MsgID != m.ID || len(r.NewReactions) != 1 || r.Qts == 0 {
		t.Fatalf("bot got %+v", r)
	}
	if u := ExpectUpdate[*tg.UpdateMessageReactions](alice); u.MsgID != m.ID || u.Reactions.Results[0].Count != 1 {
		t.Fatalf("alice sees %+v", u)
	}
}

// TestWaitingCallsAreBounded: a session may keep at most 64 calls waiting for bots; one more
// is answered FLOOD_WAIT_1 at once instead of holding another goroutine.
func TestWaitingCallsAreBounded(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t), BotTimeout: time.Minute})
	alice, bot := s.User("alice"), s.Bot("busy_bot")
	alice.Send(bot, "/start")
	bot.Expect(Text("/start").From(alice))
	bot.SendMarkup(alice, "pick", inlineKeyboard("Go", "go"))
	m := alice.Expect(Text("pick").From(bot))
	alice.Input(bot)
	results := make(chan error, maxWaiting+1)
	for range maxWaiting + 1 {
		go func() {
			_, err := alice.Press(bot, m.ID, "go")
			results <- err
		}()
	}
	if err := <-results; !errors.Is(err, &rpcerr.Error{Type: "FLOOD_WAIT"}) {
		t.Fatalf("first answer = %v, want FLOOD_WAIT_1 for the call beyond the bound", err)
	}
	for range maxWaiting {
		q := ExpectUpdate[*tg.UpdateBotCallbackQuery](bot)
		if _, err := bot.API().MessagesSetBotCallbackAnswer(s.ctx(), &tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID}); err != nil {
			t.Fatal(err)
		}
	}
	for range maxWaiting {
		if err := <-results; err != nil {
			t.Fatal(err)
		}
	}
}

// TestPaymentOverTheWire: a bot sends a Telegram Stars invoice, the person pays it, the bot
// accepts the pre-checkout query and both see the payment's service message.
func TestPaymentOverTheWire(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, bot := s.User("alice"), s.Bot("shop_bot")
	alice.Send(bot, "/buy")
	bot.Expect(Text("/buy").From(alice))
	if _, err := bot.API().MessagesSendMedia(s.ctx(), &tg.MessagesSendMediaRequest{
		Peer: bot.Input(alice), RandomID: 1, Media: &tg.InputMediaInvoice{
			Title: "Coffee", Description: "A cup", Payload: []byte("order-7"), ProviderData: tg.DataJSON{Data: "{}"},
			Invoice: tg.Invoice{Currency: "XTR", Prices: []tg.LabeledPrice{{Label: "cup", Amount: 5}}},
		},
	}); err != nil {
		t.Fatal(err)
	}
	m := alice.Expect(AnyMessage().From(bot))
	alice.Input(bot)
	alice.AddStars(10) // a Stars (XTR) invoice is paid from the balance
	paid := goCall(func() (*tg.PaymentsPaymentResult, error) { return alice.Pay(bot, m.ID) })
	q := ExpectUpdate[*tg.UpdateBotPrecheckoutQuery](bot)
	if string(q.Payload) != "order-7" || q.TotalAmount != 5 {
		t.Fatalf("bot got %+v", q)
	}
	if _, err := bot.API().MessagesSetBotPrecheckoutResults(s.ctx(), &tg.MessagesSetBotPrecheckoutResultsRequest{QueryID: q.QueryID, Success: true}); err != nil {
		t.Fatal(err)
	}
	if got := <-paid; got.err != nil {
		t.Fatal(got.err)
	}
	u := ExpectUpdate[*tg.UpdateNewMessage](bot)
	if _, ok := u.Message.(*tg.MessageService).Action.(*tg.MessageActionPaymentSentMe); !ok {
		t.Fatalf("bot sees %+v", u.Message)
	}
}

// TestBoostAndStoryOverTheWire: a premium person boosts a channel and its admin bot hears
// it; a person without premium may not; a story reaches the people its poster talks to.
func TestBoostAndStoryOverTheWire(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t)})
	alice, bob := s.User("alice"), s.UserWith(world.UserSpec{FirstName: "bobby", Premium: true})
	bot := s.Bot("boost_bot")
	c := s.Channel("news", alice, bot, bob)
	s.Promote(c, bot)

	if err := alice.Boost(c); !errors.Is(err, &rpcerr.Error{Type: "PREMIUM_ACCOUNT_REQUIRED"}) {
		t.Fatalf("boost without premium = %v", err)
	}
	if err := bob.Boost(c); err != nil {
		t.Fatal(err)
	}
	b := ExpectUpdate[*tg.UpdateBotChatBoost](bot)
	if b.Peer.(*tg.PeerChannel).ChannelID != c.ID || b.Boost.UserID.Value != bob.ID() || b.Qts == 0 {
		t.Fatalf("bot got %+v", b)
	}

	alice.Send(bob, "hi")
	bob.Expect(Text("hi").From(alice))
	id := alice.PostStory("sunrise")
	st := ExpectUpdate[*tg.UpdateStory](bob)
	if item, ok := st.Story.(*tg.StoryItem); !ok || item.ID != id || item.Caption.Value != "sunrise" || st.Peer.(*tg.PeerUser).UserID != alice.ID() {
		t.Fatalf("bob got %+v", st)
	}
}

// TestDeeplyWrappedCallWaitsOffTheConnection: a call that waits for a bot runs off the
// connection however many wrappers (invokeWithoutUpdates, ...) it comes in, so the
// connection keeps answering other calls meanwhile.
func TestDeeplyWrappedCallWaitsOffTheConnection(t *testing.T) {
	s := NewScenario(t, Config{Key: testKey(t), BotTimeout: time.Minute})
	alice, bot := s.User("alice"), s.Bot("deep_bot")
	alice.Send(bot, "/start")
	bot.Expect(Text("/start").From(alice))
	bot.SendMarkup(alice, "pick", inlineKeyboard("Go", "go"))
	m := alice.Expect(Text("pick").From(bot))
	var req tl.Encoder = &tg.MessagesGetBotCallbackAnswerRequest{Peer: alice.Input(bot), MsgID: m.ID, Data: tl.Some([]byte("go"))}
	for range 16 { // twice the depth the server once looked through
		req = &tg.InvokeWithoutUpdatesRequest{Query: req}
	}
	answered := make(chan error, 1)
	go func() {
		var res tg.MessagesBotCallbackAnswer
		answered <- alice.Conn().Invoke(s.ctx(), req, &res)
	}()
	q := ExpectUpdate[*tg.UpdateBotCallbackQuery](bot)
	if _, err := alice.API().HelpGetNearestDC(s.ctx(), &tg.HelpGetNearestDCRequest{}); err != nil {
		t.Fatalf("a call while the wrapped one waits: %v", err)
	}
	if _, err := bot.API().MessagesSetBotCallbackAnswer(s.ctx(), &tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID}); err != nil {
		t.Fatal(err)
	}
	if err := <-answered; err != nil {
		t.Fatalf("wrapped call: %v", err)
	}
}
