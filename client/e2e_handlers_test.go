package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(15 * time.Second):
		t.Fatalf("no %s", what)
	}
	var zero T
	return zero
}

func TestE2ECommandKeyboardAndCallback(t *testing.T) {
	cl := cluster(t)
	b, bot := e2eBot(t, cl, "e2e_kb_bot")
	keyboard := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: "Press me", Data: []byte("press")},
	}}}}
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		cmd, ok := filters.CommandOf(ctx)
		if !ok {
			return errors.New("no parsed command")
		}
		_, err := ctx.Reply("Choose ("+cmd.ArgsText+")", mtgo.WithReplyMarkup(keyboard))
		return err
	}, filters.Command("start"), filters.Private)
	b.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		_, err := ctx.Answer("unknown")
		return err
	}, filters.Text)
	pressed := make(chan *types.CallbackQuery, 2)
	b.OnCallbackQuery(func(ctx *mtgo.Context, q *types.CallbackQuery) error {
		pressed <- q
		if _, err := ctx.EditText("Pressed"); err != nil {
			return err
		}
		return ctx.AnswerCallback("Done!", mtgo.WithAlert())
	}, filters.CallbackData("press"))
	failures := make(chan error, 4)
	b.OnError(func(_ *mtgo.Context, err error) { failures <- err })

	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551090"})
	got := make(chan *types.Message, 4)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	edited := make(chan *types.Message, 4)
	u.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil })

	if _, err := u.SendMessage(ctxT(t), "@e2e_kb_bot", "hello"); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, got, "answer to a text"); m.Text != "unknown" {
		t.Fatalf("answer to a text = %q", m.Text)
	}
	sent, err := u.SendMessage(ctxT(t), "@e2e_kb_bot", "/start@E2E_kb_bot go now")
	if err != nil {
		t.Fatal(err)
	}
	kb := recv(t, got, "keyboard")
	if kb.Text != "Choose (go now)" || kb.ReplyToMessageID != sent.ID || kb.From == nil || kb.From.ID != bot.ID {
		t.Fatalf("keyboard message = %+v", kb)
	}
	markup, ok := kb.ReplyMarkup.(*types.InlineKeyboard)
	if !ok || len(markup.Rows) != 1 {
		t.Fatalf("reply markup = %#v", kb.ReplyMarkup)
	}
	button, ok := markup.Rows[0][0].(types.InlineCallback)
	if !ok || string(button.Data) != "press" {
		t.Fatalf("button = %#v", markup.Rows[0][0])
	}

	answer, err := u.RequestCallbackAnswer(ctxT(t), "@e2e_kb_bot", kb.ID, button.Data)
	if rpcerr.IsType(err, "METHOD_NOT_IMPLEMENTED") {
		t.Skip("teletest does not implement messages.getBotCallbackAnswer (updateBotCallbackQuery to the bot) yet")
	}
	if err != nil {
		t.Fatal(err)
	}
	if answer.Message != "Done!" || !answer.Alert {
		t.Fatalf("callback answer = %+v", answer)
	}
	q := recv(t, pressed, "callback query")
	if q.From.ID != user.ID || q.Message == nil || q.Message.ID != kb.ID || q.Chat.ID != user.ID {
		t.Fatalf("callback query = %+v", q)
	}
	if m := recv(t, edited, "edited keyboard message"); m.ID != kb.ID || m.Text != "Pressed" {
		t.Fatalf("edited message = %+v", m)
	}
	select {
	case err := <-failures:
		t.Fatalf("bot handler failed: %v", err)
	default:
	}
}

func TestE2EInlineQuery(t *testing.T) {
	cl := cluster(t)
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Inline", Username: "e2e_inline_bot", Inline: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	asked := make(chan *types.InlineQuery, 2)
	b.OnInlineQuery(func(ctx *mtgo.Context, q *types.InlineQuery) error {
		asked <- q
		m, _ := filters.MatchesOf(ctx)
		return q.Answer(ctx, []tg.InputBotInlineResultClass{&tg.InputBotInlineResult{
			ID: "1", Type: "article", Title: tl.Some("Echo " + m[0][1]),
			SendMessage: &tg.InputBotInlineMessageText{Message: q.Query},
		}}, mtgo.WithCacheTime(0), mtgo.WithPersonal())
	}, filters.Regex(regexp.MustCompile(`^echo (.+)$`)))

	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551091"})
	res, err := u.GetInlineBotResults(ctxT(t), "@e2e_inline_bot", nil, "echo hello", "")
	if err != nil {
		t.Fatal(err)
	}
	q := recv(t, asked, "inline query")
	if q.From.ID != user.ID || q.Query != "echo hello" {
		t.Fatalf("inline query = %+v", q)
	}
	if len(res.Results) != 1 {
		t.Fatalf("results = %+v", res.Results)
	}
	r, ok := res.Results[0].(*tg.BotInlineResult)
	if !ok || r.ID != "1" || r.Title.Value != "Echo hello" {
		t.Fatalf("result = %#v", res.Results[0])
	}
}

func TestE2EDeletedMessages(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_del_bot")
	got := make(chan *types.Message, 2)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	deleted := make(chan *types.DeletedMessages, 2)
	b.OnDeletedMessages(func(_ *mtgo.Context, d *types.DeletedMessages) error { deleted <- d; return nil })

	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551092"})
	sent, err := u.SendMessage(ctxT(t), "@e2e_del_bot", "oops")
	if err != nil {
		t.Fatal(err)
	}
	copyAtBot := recv(t, got, "message")
	n, err := u.DeleteMessages(ctxT(t), "@e2e_del_bot", sent.ID)
	if err != nil || n != 1 {
		t.Fatalf("DeleteMessages = %d, %v", n, err)
	}
	d := recv(t, deleted, "deletion")
	if len(d.IDs) != 1 || d.IDs[0] != copyAtBot.ID || d.Chat != nil {
		t.Fatalf("deleted = %+v, want the bot's copy %d", d, copyAtBot.ID)
	}
}

func TestE2EConversation(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_conv_bot")
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		conv, err := ctx.Conversation()
		if err != nil {
			return err
		}
		wait, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		name, err := conv.Ask(wait, "Your name?")
		if err != nil {
			return err
		}
		age, err := conv.Ask(wait, "Your age?", mtgo.WithReplyTo(name.ID))
		if err != nil {
			return err
		}
		_, err = ctx.Answer("Registered " + name.Text + ", " + age.Text)
		return err
	}, filters.Command("register"))
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		_, err := ctx.Answer("not in a conversation: " + m.Text)
		return err
	})

	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551093"})
	got := make(chan string, 8)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m.Text; return nil })
	say := func(text, want string) {
		t.Helper()
		if _, err := u.SendMessage(ctxT(t), "@e2e_conv_bot", text); err != nil {
			t.Fatal(err)
		}
		if m := recv(t, got, "answer to "+text); m != want {
			t.Fatalf("answer to %q = %q, want %q", text, m, want)
		}
	}
	say("/register", "Your name?")
	say("Ann", "Your age?")
	say("30", "Registered Ann, 30")
	say("hello", "not in a conversation: hello")
}

func TestE2EInvokerMiddleware(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_mw_bot")
	var mu sync.Mutex
	var methods []string
	blocked := errors.New("blocked by middleware")
	b.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
			name := in.(tl.Object).TypeName()
			mu.Lock()
			methods = append(methods, name)
			mu.Unlock()
			if name == "help.getNearestDc" {
				return blocked
			}
			return next.Invoke(ctx, in, out)
		})
	})
	if _, err := b.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); !errors.Is(err, blocked) {
		t.Fatalf("Invoke through a blocking middleware: %v", err)
	}
	if _, err := b.InvokeContext(ctxT(t), &tg.HelpGetConfigRequest{}, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(ctxT(t), "me", "note"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"help.getNearestDc", "help.getConfig", "messages.sendMessage"}
	if diff := cmp.Diff(want, methods); diff != "" {
		t.Fatalf("methods seen (-want +got):\n%s", diff)
	}
}

func TestE2ELifecycleHooks(t *testing.T) {
	cl := cluster(t)
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Hooks", Username: "e2e_hooks_bot"})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	var mu sync.Mutex
	var events []string
	started := make(chan struct{})
	record := func(name string, call bool) func(*mtgo.Context) {
		return func(ctx *mtgo.Context) {
			if call { // the client still works in this hook
				if _, err := ctx.Client.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
					name += " (call failed: " + err.Error() + ")"
				}
			}
			mu.Lock()
			events = append(events, name)
			mu.Unlock()
			if name == "start" {
				close(started)
			}
		}
	}
	b.OnConnect(record("connect", false))
	b.OnStart(record("start", true))
	b.OnDisconnect(record("disconnect", false))
	b.OnStop(record("stop", true))
	removed := b.OnStart(record("removed", false))
	b.RemoveHandler(removed)

	errc := make(chan error, 1)
	go func() { errc <- b.Start() }()
	recv(t, started, "start hook")
	if err := b.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if err := b.ConnectContext(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	b.Stop()
	if err := recv(t, errc, "Start's return"); err != nil {
		t.Fatalf("Start = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"connect", "start", "disconnect", "connect", "stop"}
	if diff := cmp.Diff(want, events); diff != "" {
		t.Fatalf("hooks (-want +got):\n%s", diff)
	}
}

func TestE2EInlineMessageCallbackAndEdit(t *testing.T) {
	cl := cluster(t)
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Inline", Username: "e2e_inl_bot", Inline: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	b.OnInlineQuery(func(ctx *mtgo.Context, q *types.InlineQuery) error {
		return q.Answer(ctx, []tg.InputBotInlineResultClass{&tg.InputBotInlineResult{
			ID: "vote", Type: "article", Title: tl.Some("Vote"),
			SendMessage: &tg.InputBotInlineMessageText{Message: "Vote here", ReplyMarkup: &tg.ReplyInlineMarkup{
				Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{&tg.KeyboardButtonCallback{Text: "+1", Data: []byte("up")}}}},
			}},
		}})
	})
	pressed := make(chan *types.CallbackQuery, 1)
	b.OnCallbackQuery(func(ctx *mtgo.Context, q *types.CallbackQuery) error {
		pressed <- q
		if _, err := ctx.EditText("x"); !errors.Is(err, mtgo.ErrContextEditInline) {
			return fmt.Errorf("EditText of an inline message: %v, want ErrContextEditInline", err)
		}
		if err := ctx.EditInlineText("Votes: 1"); err != nil {
			return err
		}
		if err := ctx.EditInlineReplyMarkup(&tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
			&tg.KeyboardButtonCallback{Text: "+2", Data: []byte("up")},
		}}}}); err != nil {
			return err
		}
		if err := ctx.EditInlineMedia(types.InputFile{Reader: strings.NewReader("tally"), Name: "tally.txt", Size: 5}); err != nil {
			return err
		}
		return ctx.AnswerCallback("counted")
	}, filters.CallbackData("up"))
	failures := make(chan error, 2)
	b.OnError(func(_ *mtgo.Context, err error) { failures <- err })

	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551094"})
	edited := make(chan *types.Message, 3)
	u.AddHandler(mtgo.NewEditedMessageHandler(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil }).AcceptOutgoing(), 0)
	res, err := u.GetInlineBotResults(ctxT(t), "@e2e_inl_bot", "@e2e_inl_bot", "", "")
	if err != nil {
		t.Fatal(err)
	}
	peer, err := u.ResolvePeer(ctxT(t), "@e2e_inl_bot")
	if err != nil {
		t.Fatal(err)
	}
	sent, err := u.InvokeContext(ctxT(t), &tg.MessagesSendInlineBotResultRequest{Peer: peer, RandomID: 1, QueryID: res.QueryID, ID: "vote"}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var msgID int32
	for _, up := range sent.(*tg.Updates).Updates {
		if nm, ok := up.(*tg.UpdateNewMessage); ok {
			msgID = nm.Message.(*tg.Message).ID
		}
	}
	if msgID == 0 {
		t.Fatalf("no message in %#v", sent)
	}
	answer, err := u.RequestCallbackAnswer(ctxT(t), "@e2e_inl_bot", int(msgID), []byte("up"))
	if err != nil {
		t.Fatal(err)
	}
	if answer.Message != "counted" {
		t.Fatalf("answer = %+v", answer)
	}
	if q := recv(t, pressed, "inline callback"); q.InlineMessageID == "" || q.Chat != nil || q.Message != nil {
		t.Fatalf("inline callback = %+v", q)
	}
	if m := recv(t, edited, "edit of the inline message"); m.ID != int(msgID) || m.Text != "Votes: 1" {
		t.Fatalf("edited = %+v", m)
	}
	m := recv(t, edited, "edit of the inline message's buttons")
	kb, ok := m.ReplyMarkup.(*types.InlineKeyboard)
	if m.Text != "Votes: 1" || !ok || len(kb.Rows) != 1 || kb.Rows[0][0].ButtonText() != "+2" {
		t.Fatalf("markup edit = %+v (markup %#v)", m, m.ReplyMarkup)
	}
	if m := recv(t, edited, "edit of the inline message's media"); m.MediaKind() != types.KindDocument {
		t.Fatalf("media edit = %+v, want a document", m)
	}
	select {
	case err := <-failures:
		t.Fatalf("bot handler failed: %v", err)
	default:
	}
}

func TestE2EPollAnswer(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_poll_bot")
	hello := make(chan *types.Message, 1)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { hello <- m; return nil })
	votes := make(chan *types.PollAnswer, 1)
	b.OnPollAnswer(func(_ *mtgo.Context, a *types.PollAnswer) error { votes <- a; return nil })

	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551095"})
	polls := make(chan *types.Message, 1)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { polls <- m; return nil }, filters.Poll)
	if _, err := u.SendMessage(ctxT(t), "@e2e_poll_bot", "hi"); err != nil {
		t.Fatal(err)
	}
	to, err := b.ResolvePeer(ctxT(t), recv(t, hello, "hello").Chat.ID)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(text string, option byte) tg.PollAnswerClass {
		return &tg.PollAnswer{Text: tg.TextWithEntities{Text: text}, Option: []byte{option}}
	}
	_, err = b.InvokeContext(ctxT(t), &tg.MessagesSendMediaRequest{Peer: to, RandomID: 7, Media: &tg.InputMediaPoll{Poll: tg.Poll{
		PublicVoters: true, Question: tg.TextWithEntities{Text: "Tea or coffee?"},
		Answers: []tg.PollAnswerClass{answer("tea", 0), answer("coffee", 1)},
	}}}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	poll := recv(t, polls, "poll")
	bot, err := u.ResolvePeer(ctxT(t), "@e2e_poll_bot")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.InvokeContext(ctxT(t), &tg.MessagesSendVoteRequest{Peer: bot, MsgID: int32(poll.ID), Options: [][]byte{{1}}}, 0, 0); err != nil {
		t.Fatal(err)
	}
	vote := recv(t, votes, "vote")
	if vote.User == nil || vote.User.ID != user.ID || len(vote.Options) != 1 || vote.Options[0][0] != 1 {
		t.Fatalf("vote = %+v", vote)
	}
}

func TestE2EChatJoinRequestAndMember(t *testing.T) {
	cl := cluster(t)
	b, bot := e2eBot(t, cl, "e2e_club_bot")
	requests := make(chan *types.ChatJoinRequest, 1)
	b.OnChatJoinRequest(func(ctx *mtgo.Context, r *types.ChatJoinRequest) error {
		requests <- r
		return r.Approve(ctx)
	})
	members := make(chan *types.ChatMemberUpdated, 4)
	b.OnChatMember(func(_ *mtgo.Context, m *types.ChatMemberUpdated) error { members <- m; return nil })
	failures := make(chan error, 2)
	b.OnError(func(_ *mtgo.Context, err error) { failures <- err })

	owner, ownerUser := e2eUser(t, cl, world.UserSpec{FirstName: "Owner", Phone: "15551096"})
	joiner, joinerUser := e2eUser(t, cl, world.UserSpec{FirstName: "Joiner", Phone: "15551097"})
	if _, err := cl.World().CreateChannel(ownerUser.ID, world.ChannelSpec{
		Title: "Club", Username: "e2e_club", Megagroup: true, Members: []int64{bot.ID}, Admins: []int64{bot.ID},
	}); err != nil {
		t.Fatal(err)
	}
	club, err := owner.ResolvePeer(ctxT(t), "@e2e_club")
	if err != nil {
		t.Fatal(err)
	}
	exported, err := owner.InvokeContext(ctxT(t), &tg.MessagesExportChatInviteRequest{Peer: club, RequestNeeded: true}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	link := exported.(*tg.ChatInviteExported).Link
	hash := link[strings.LastIndex(link, "+")+1:]
	if _, err := joiner.InvokeContext(ctxT(t), &tg.MessagesImportChatInviteRequest{Hash: hash}, 0, 0); !rpcerr.IsType(err, "INVITE_REQUEST_SENT") {
		t.Fatalf("import invite: %v, want INVITE_REQUEST_SENT", err)
	}
	r := recv(t, requests, "join request")
	if r.From.ID != joinerUser.ID || r.Chat == nil || r.Chat.Type != types.ChatSupergroup {
		t.Fatalf("join request = %+v", r)
	}
	for {
		m := recv(t, members, "member update of the joiner")
		if m.User.ID != joinerUser.ID {
			continue
		}
		if m.Old != types.MemberLeft || m.New != types.MemberMember || m.Chat.ID != r.Chat.ID {
			t.Fatalf("member update = %+v (%v -> %v)", m, m.Old, m.New)
		}
		break
	}
	select {
	case err := <-failures:
		t.Fatalf("bot handler failed: %v", err)
	default:
	}
}
