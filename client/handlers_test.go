package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// spec describes one handler of a propagation test: its group, kind ("msg", "edit", "cb",
// "raw"), whether its filter passes and what it returns ("ok", "continue", "stop", "fail",
// "panic", "filterpanic").
type spec struct {
	name   string
	group  int
	kind   string
	pass   bool
	result string
}

// trace records which handlers ran, in order.
type trace struct {
	mu  sync.Mutex
	ran []string
}

func (tr *trace) add(s string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.ran = append(tr.ran, s)
}

func (tr *trace) get() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.ran...)
}

func build(s spec, tr *trace) *mtgo.Handler {
	run := func() error {
		tr.add(s.name)
		switch s.result {
		case "continue":
			return mtgo.ErrContinuePropagation
		case "stop":
			return mtgo.ErrStopPropagation
		case "fail":
			return errors.New(s.name + " failed")
		case "panic":
			panic(s.name)
		}
		return nil
	}
	f := func(*mtgo.Context) bool {
		if s.result == "filterpanic" {
			panic("filter of " + s.name)
		}
		return s.pass
	}
	switch s.kind {
	case "edit":
		return mtgo.NewEditedMessageHandler(func(*mtgo.Context, *types.Message) error { return run() }, f)
	case "cb":
		return mtgo.NewCallbackQueryHandler(func(*mtgo.Context, *types.CallbackQuery) error { return run() }, f)
	case "raw":
		return mtgo.NewRawUpdateHandler(func(*mtgo.Context, tg.UpdateClass) error { return run() }, f)
	}
	return mtgo.NewMessageHandler(func(*mtgo.Context, *types.Message) error { return run() }, f)
}

// deliverTraced delivers newMessage to c and returns the handlers that ran for it.
func deliverTraced(t *testing.T, c *mtgo.Client, tr *trace) []string {
	t.Helper()
	tr.mu.Lock()
	tr.ran = nil
	tr.mu.Unlock()
	if err := mtgo.Deliver(context.Background(), c, newMessage()); err != nil {
		t.Fatal(err)
	}
	return tr.get()
}

// newMessage is one incoming private message from user 5.
func newMessage() *tg.Updates {
	return &tg.Updates{
		Users:   []tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("u"), AccessHash: tl.Some(int64(35))}},
		Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Message: "hi", Date: 1}}},
	}
}

func TestPropagationRules(t *testing.T) {
	tests := []struct {
		name     string
		handlers []spec
		want     []string
		errs     []string
	}{
		{
			name:     "groups run in ascending order, whatever the order of registration",
			handlers: []spec{{"g2", 2, "msg", true, "ok"}, {"g-1", -1, "msg", true, "ok"}, {"g0", 0, "msg", true, "ok"}},
			want:     []string{"g-1", "g0", "g2"},
		},
		{
			name:     "only the first matching handler of a group runs",
			handlers: []spec{{"a", 0, "msg", true, "ok"}, {"b", 0, "msg", true, "ok"}},
			want:     []string{"a"},
		},
		{
			name:     "a failing filter passes the turn to the next handler of the group",
			handlers: []spec{{"a", 0, "msg", false, "ok"}, {"b", 0, "msg", true, "ok"}},
			want:     []string{"b"},
		},
		{
			name:     "handlers of another kind are skipped",
			handlers: []spec{{"cb", 0, "cb", true, "ok"}, {"edit", 0, "edit", true, "ok"}, {"msg", 0, "msg", true, "ok"}},
			want:     []string{"msg"},
		},
		{
			name:     "a raw handler takes every kind and competes in its group",
			handlers: []spec{{"raw", 0, "raw", true, "ok"}, {"msg", 0, "msg", true, "ok"}, {"raw1", 1, "raw", true, "ok"}},
			want:     []string{"raw", "raw1"},
		},
		{
			name:     "ErrContinuePropagation lets the next matching handler of the group run",
			handlers: []spec{{"a", 0, "msg", true, "continue"}, {"b", 0, "msg", false, "ok"}, {"c", 0, "msg", true, "continue"}, {"d", 0, "msg", true, "ok"}, {"e", 0, "msg", true, "ok"}},
			want:     []string{"a", "c", "d"},
		},
		{
			name:     "ErrStopPropagation ends the update",
			handlers: []spec{{"a", 0, "msg", true, "stop"}, {"b", 0, "msg", true, "ok"}, {"c", 1, "msg", true, "ok"}},
			want:     []string{"a"},
		},
		{
			name:     "an error ends the group, goes to OnError, and later groups run",
			handlers: []spec{{"a", 0, "msg", true, "fail"}, {"b", 0, "msg", true, "ok"}, {"c", 1, "msg", true, "ok"}},
			want:     []string{"a", "c"},
			errs:     []string{"a failed"},
		},
		{
			name:     "a panic is recovered as an error",
			handlers: []spec{{"a", 0, "msg", true, "panic"}, {"c", 1, "msg", true, "ok"}},
			want:     []string{"a", "c"},
			errs:     []string{"mtgo: handler panicked: a"},
		},
		{
			name:     "a panicking filter is the handler's error",
			handlers: []spec{{"a", 0, "msg", true, "filterpanic"}, {"b", 0, "msg", true, "ok"}, {"c", 1, "msg", true, "ok"}},
			want:     []string{"c"},
			errs:     []string{"mtgo: handler panicked: filter of a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := offlineClient(t, 1)
			tr := &trace{}
			var errs []string
			c.OnError(func(_ *mtgo.Context, err error) { errs = append(errs, err.Error()) })
			for _, s := range tt.handlers {
				c.AddHandler(build(s, tr), s.group)
			}
			if err := mtgo.Deliver(context.Background(), c, newMessage()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tr.get()); diff != "" {
				t.Errorf("handlers run (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.errs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddRemoveHandler(t *testing.T) {
	c := offlineClient(t, 1)
	tr := &trace{}
	a := build(spec{"a", 0, "msg", true, "ok"}, tr)
	b := build(spec{"b", 0, "msg", true, "ok"}, tr)
	c.AddHandler(a, 0)
	c.AddHandler(b, 0)
	deliver := func() []string { t.Helper(); return deliverTraced(t, c, tr) }
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"a first in group 0", func() {}, []string{"a"}},
		{"b moved to group -1 runs first, a still runs", func() { c.AddHandler(b, -1) }, []string{"b", "a"}},
		{"a removed", func() { c.RemoveHandler(a) }, []string{"b"}},
		{"removing twice is harmless", func() { c.RemoveHandler(a) }, []string{"b"}},
		{"b removed: nothing runs", func() { c.RemoveHandler(b) }, nil},
		{"a added back", func() { c.AddHandler(a, 3) }, []string{"a"}},
	}
	for _, s := range steps {
		s.do()
		if diff := cmp.Diff(s.want, deliver()); diff != "" {
			t.Fatalf("%s (-want +got):\n%s", s.name, diff)
		}
	}
}

func TestHandlersOutgoingAndEdited(t *testing.T) {
	c := offlineClient(t, 1)
	tr := &trace{}
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error { tr.add("in:" + m.Text); return nil })
	c.AddHandler(mtgo.NewMessageHandler(func(_ *mtgo.Context, m *types.Message) error {
		tr.add("any:" + m.Text)
		return nil
	}).AcceptOutgoing(), 1)
	c.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { tr.add("edit:" + m.Text); return nil })
	u := &tg.Updates{Updates: []tg.UpdateClass{
		&tg.UpdateNewMessage{Message: &tg.Message{Out: true, ID: 1, PeerID: &tg.PeerUser{UserID: 9}, Message: "mine"}},
		&tg.UpdateNewMessage{Message: &tg.Message{ID: 2, PeerID: &tg.PeerUser{UserID: 9}, Message: "theirs"}},
		&tg.UpdateEditMessage{Message: &tg.Message{ID: 2, PeerID: &tg.PeerUser{UserID: 9}, Message: "theirs2", EditDate: tl.Some(int32(5))}},
		&tg.UpdateEditMessage{Message: &tg.Message{Out: true, ID: 1, PeerID: &tg.PeerUser{UserID: 9}, Message: "mine2"}},
	}}
	if err := mtgo.Deliver(context.Background(), c, u); err != nil {
		t.Fatal(err)
	}
	want := []string{"any:mine", "in:theirs", "any:theirs", "edit:theirs2"}
	if diff := cmp.Diff(want, tr.get()); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestContextDataAcrossGroups(t *testing.T) {
	c := offlineClient(t, 1)
	var got any
	c.AddHandler(mtgo.NewRawUpdateHandler(func(ctx *mtgo.Context, _ tg.UpdateClass) error {
		ctx.Set("user", ctx.From().ID)
		return nil
	}), -1)
	c.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		got, _ = ctx.Get("user")
		if ctx.Message != m || ctx.Client != c || ctx.Chat().ID != 5 {
			t.Errorf("context = %+v", ctx)
		}
		return nil
	})
	if err := mtgo.Deliver(context.Background(), c, newMessage()); err != nil {
		t.Fatal(err)
	}
	if got != int64(5) {
		t.Fatalf("Get in a later group = %v, want 5", got)
	}
}

func TestHandlerTimeout(t *testing.T) {
	c := offlineClient(t, 1)
	var err error
	c.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		<-ctx.Done() // ends when the timeout passes
		err = ctx.Err()
		return nil
	}).WithTimeout(1)
	if e := mtgo.Deliver(context.Background(), c, newMessage()); e != nil {
		t.Fatal(e)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ctx.Err() = %v, want DeadlineExceeded", err)
	}
}

func TestContextSentinels(t *testing.T) {
	c := offlineClient(t, 1)
	bg := context.Background()
	msg := &types.Message{ID: 1, Chat: &types.Chat{ID: 5, Type: types.ChatPrivate}}
	inline := &types.CallbackQuery{ID: 1, From: &types.User{ID: 5}, InlineMessageID: "x", InlineMessage: &tg.InputBotInlineMessageID{}}
	ctxOf := func(client *mtgo.Client, m *types.Message, q *types.CallbackQuery) *mtgo.Context {
		ctx := mtgo.NewContext(bg)
		ctx.Client, ctx.Message, ctx.CallbackQuery = client, m, q
		return ctx
	}
	reply := func(ctx *mtgo.Context) error { _, err := ctx.Reply("x"); return err }
	answer := func(ctx *mtgo.Context) error { _, err := ctx.Answer("x"); return err }
	edit := func(ctx *mtgo.Context) error { _, err := ctx.EditText("x"); return err }
	del := func(ctx *mtgo.Context) error { return ctx.Delete() }
	cb := func(ctx *mtgo.Context) error { return ctx.AnswerCallback("x") }
	tests := []struct {
		name   string
		ctx    *mtgo.Context
		action func(*mtgo.Context) error
		want   error
	}{
		{"reply without client", ctxOf(nil, msg, nil), reply, mtgo.ErrContextNoClient},
		{"answer without client", ctxOf(nil, msg, nil), answer, mtgo.ErrContextNoClient},
		{"edit without client", ctxOf(nil, msg, nil), edit, mtgo.ErrContextNoClient},
		{"delete without client", ctxOf(nil, msg, nil), del, mtgo.ErrContextNoClient},
		{"callback answer without client", ctxOf(nil, nil, inline), cb, mtgo.ErrContextNoClient},
		{"reply without message", ctxOf(c, nil, nil), reply, mtgo.ErrContextNoMessage},
		{"edit without message", ctxOf(c, nil, nil), edit, mtgo.ErrContextNoMessage},
		{"delete without message", ctxOf(c, nil, nil), del, mtgo.ErrContextNoMessage},
		{"answer without chat", ctxOf(c, nil, nil), answer, mtgo.ErrContextNoChat},
		{"reply to a message without chat", ctxOf(c, &types.Message{ID: 1}, nil), reply, mtgo.ErrContextNoChat},
		{"callback answer on a message", ctxOf(c, msg, nil), cb, mtgo.ErrContextNoCallback},
		{"edit of an inline message", ctxOf(c, nil, inline), edit, mtgo.ErrContextEditInline},
		{"delete of an inline message", ctxOf(c, nil, inline), del, mtgo.ErrContextEditInline},
		{"reply to an inline message", ctxOf(c, nil, inline), reply, mtgo.ErrContextNoMessage},
		{"answer on an inline message", ctxOf(c, nil, inline), answer, mtgo.ErrContextNoChat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.action(tt.ctx); !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCallbackQueryDispatch(t *testing.T) {
	c := offlineClient(t, 1)
	got := make(chan *types.CallbackQuery, 2)
	c.OnCallbackQuery(func(_ *mtgo.Context, q *types.CallbackQuery) error { got <- q; return nil },
		func(ctx *mtgo.Context) bool { return strings.HasPrefix(string(ctx.CallbackQuery.Data), "ok") })
	u := &tg.Updates{
		Users: []tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("u")}},
		Updates: []tg.UpdateClass{
			&tg.UpdateBotCallbackQuery{QueryID: 1, UserID: 5, Peer: &tg.PeerUser{UserID: 5}, MsgID: 3, Data: tl.Some([]byte("no"))},
			&tg.UpdateBotCallbackQuery{QueryID: 2, UserID: 5, Peer: &tg.PeerUser{UserID: 5}, MsgID: 3, Data: tl.Some([]byte("ok"))},
			&tg.UpdateInlineBotCallbackQuery{QueryID: 3, UserID: 5, MsgID: &tg.InputBotInlineMessageID{ID: 1}, Data: tl.Some([]byte("ok2"))},
		},
	}
	if err := mtgo.Deliver(context.Background(), c, u); err != nil {
		t.Fatal(err)
	}
	q := <-got
	if q.ID != 2 || q.From.FirstName != "u" || q.Message.ID != 3 || q.Chat.ID != 5 {
		t.Fatalf("chat query = %+v", q)
	}
	q = <-got
	if q.ID != 3 || q.Chat != nil || q.InlineMessageID == "" {
		t.Fatalf("inline query = %+v", q)
	}
}

// TestHandlersChangeWhileDispatching adds and removes handlers while updates are dispatched
// (run it with -race): each update sees a whole table, never a half-changed one.
func TestHandlersChangeWhileDispatching(t *testing.T) {
	c := offlineClient(t, 2)
	var mu sync.Mutex
	runs := 0
	count := func(*mtgo.Context, *types.Message) error {
		mu.Lock()
		runs++
		mu.Unlock()
		return nil
	}
	stable := mtgo.NewMessageHandler(count)
	c.AddHandler(stable, 100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			h := mtgo.NewMessageHandler(count)
			c.AddHandler(h, i%5)
			c.AddHandler(h, -(i % 3))
			c.RemoveHandler(h)
		}
	}()
	for range 200 {
		if err := mtgo.Deliver(context.Background(), c, newMessage()); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	mu.Lock()
	defer mu.Unlock()
	if runs < 200 {
		t.Fatalf("the stable handler ran less than once per update: %d runs", runs)
	}
}

func TestMiddleware(t *testing.T) {
	c := offlineClient(t, 1)
	tr := &trace{}
	c.AddHandler(build(spec{"a", 0, "msg", true, "ok"}, tr), 0)
	c.AddHandler(build(spec{"b", 1, "msg", true, "ok"}, tr), 1)
	c.AddHandler(build(spec{"skipped", 2, "msg", false, "ok"}, tr), 2)
	deliver := func() []string { t.Helper(); return deliverTraced(t, c, tr) }
	around := func(name string) mtgo.Middleware {
		return func(next mtgo.HandlerFunc) mtgo.HandlerFunc {
			return func(ctx *mtgo.Context) error {
				tr.add(name + ">")
				err := next(ctx)
				tr.add("<" + name)
				return err
			}
		}
	}
	// Added after the handlers: it wraps them too; the first added is the outermost; it runs
	// only around handlers whose filters passed.
	c.UseMiddleware(around("m1"))
	c.UseMiddleware(around("m2"))
	want := []string{"m1>", "m2>", "a", "<m2", "<m1", "m1>", "m2>", "b", "<m2", "<m1"}
	if diff := cmp.Diff(want, deliver()); diff != "" {
		t.Fatalf("order (-want +got):\n%s", diff)
	}

	// A middleware that does not call next stops the handler; its error is the handler's.
	c2 := offlineClient(t, 1)
	tr2 := &trace{}
	c2.AddHandler(build(spec{"a", 0, "msg", true, "ok"}, tr2), 0)
	c2.AddHandler(build(spec{"b", 1, "msg", true, "ok"}, tr2), 1)
	c2.UseMiddleware(func(next mtgo.HandlerFunc) mtgo.HandlerFunc {
		return func(ctx *mtgo.Context) error {
			if ctx.Message.ID == 1 {
				return mtgo.ErrStopPropagation // a rate limiter dropping the update
			}
			return next(ctx)
		}
	})
	if err := mtgo.Deliver(context.Background(), c2, newMessage()); err != nil {
		t.Fatal(err)
	}
	if got := tr2.get(); len(got) != 0 {
		t.Fatalf("handlers ran behind a blocking middleware: %v", got)
	}
}

// TestEveryKindReachesItsHandler delivers one update of each kind to a client with one handler
// per kind, and checks that each handler gets its value with the Context's Chat and From.
func TestEveryKindReachesItsHandler(t *testing.T) {
	c := offlineClient(t, 2)
	var mu sync.Mutex
	got := map[string]string{}
	record := func(kind string, ctx *mtgo.Context) {
		mu.Lock()
		defer mu.Unlock()
		var chat, from int64
		if ch := ctx.Chat(); ch != nil {
			chat = ch.ID
		}
		if u := ctx.From(); u != nil {
			from = u.ID
		}
		got[kind] = fmt.Sprint("chat=", chat, " from=", from)
	}
	c.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error { record("message", ctx); return nil })
	c.OnEditedMessage(func(ctx *mtgo.Context, _ *types.Message) error { record("edited", ctx); return nil })
	c.OnCallbackQuery(func(ctx *mtgo.Context, _ *types.CallbackQuery) error { record("callback", ctx); return nil })
	c.OnInlineQuery(func(ctx *mtgo.Context, _ *types.InlineQuery) error { record("inline", ctx); return nil })
	c.OnDeletedMessages(func(ctx *mtgo.Context, _ *types.DeletedMessages) error { record("deleted", ctx); return nil })
	c.OnUserStatus(func(ctx *mtgo.Context, _ *types.UserStatus) error { record("status", ctx); return nil })
	c.OnChatJoinRequest(func(ctx *mtgo.Context, _ *types.ChatJoinRequest) error { record("join", ctx); return nil })
	c.OnChosenInlineResult(func(ctx *mtgo.Context, _ *types.ChosenInlineResult) error { record("chosen", ctx); return nil })
	c.OnMessageReaction(func(ctx *mtgo.Context, _ *types.MessageReaction) error { record("reaction", ctx); return nil })
	c.OnPollAnswer(func(ctx *mtgo.Context, _ *types.PollAnswer) error { record("vote", ctx); return nil })
	c.OnChatMember(func(ctx *mtgo.Context, _ *types.ChatMemberUpdated) error { record("member", ctx); return nil })
	c.OnMessageReactionCount(func(ctx *mtgo.Context, _ *types.MessageReactionCount) error { record("counts", ctx); return nil })
	c.OnPoll(func(ctx *mtgo.Context, _ *types.Poll) error { record("poll", ctx); return nil })
	c.OnStory(func(ctx *mtgo.Context, _ *types.Story) error { record("story", ctx); return nil })
	c.OnChatBoost(func(ctx *mtgo.Context, _ *types.ChatBoost) error { record("boost", ctx); return nil })
	c.OnPreCheckoutQuery(func(ctx *mtgo.Context, _ *types.PreCheckoutQuery) error { record("checkout", ctx); return nil })
	c.OnShippingQuery(func(ctx *mtgo.Context, _ *types.ShippingQuery) error { record("shipping", ctx); return nil })
	typing := func(ctx *mtgo.Context) bool { _, ok := ctx.Update.(*tg.UpdateUserTyping); return ok }
	c.AddHandler(mtgo.NewRawUpdateHandler(func(ctx *mtgo.Context, _ tg.UpdateClass) error { record("raw", ctx); return nil }, typing), 1)
	user := &tg.PeerUser{UserID: 5}
	super := &tg.PeerChannel{ChannelID: 6}
	superID := types.ChannelChatID(6)
	u := &tg.Updates{
		Users: []tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("u"), AccessHash: tl.Some(int64(35))}},
		Chats: []tg.ChatClass{&tg.Channel{ID: 6, Title: "s", Megagroup: true, AccessHash: tl.Some(int64(66))}},
		Updates: []tg.UpdateClass{
			&tg.UpdateNewMessage{Message: &tg.Message{ID: 1, PeerID: user, Message: "hi"}},
			&tg.UpdateEditMessage{Message: &tg.Message{ID: 1, PeerID: user, Message: "hi!"}},
			&tg.UpdateBotCallbackQuery{QueryID: 1, UserID: 5, Peer: user, MsgID: 1},
			&tg.UpdateBotInlineQuery{QueryID: 2, UserID: 5, Query: "q"},
			&tg.UpdateDeleteChannelMessages{ChannelID: 6, Messages: []int32{4}},
			&tg.UpdateUserStatus{UserID: 5, Status: &tg.UserStatusOnline{Expires: 1}},
			&tg.UpdateBotChatInviteRequester{Peer: super, UserID: 5},
			&tg.UpdateBotInlineSend{UserID: 5, ID: "r"},
			&tg.UpdateBotMessageReaction{Peer: super, MsgID: 2, Actor: user},
			&tg.UpdateMessagePollVote{PollID: 3, Peer: user},
			&tg.UpdateChannelParticipant{ChannelID: 6, ActorID: 5, UserID: 5, NewParticipant: &tg.ChannelParticipant{}},
			&tg.UpdateBotMessageReactions{Peer: super, MsgID: 2},
			&tg.UpdateMessagePoll{PollID: 3},
			&tg.UpdateStory{Peer: user, Story: &tg.StoryItemDeleted{ID: 1}},
			&tg.UpdateBotChatBoost{Peer: super},
			&tg.UpdateBotPrecheckoutQuery{QueryID: 4, UserID: 5},
			&tg.UpdateBotShippingQuery{QueryID: 5, UserID: 5},
			&tg.UpdateUserTyping{UserID: 5, Action: &tg.SendMessageTypingAction{}},
		},
	}
	if err := mtgo.Deliver(context.Background(), c, u); err != nil {
		t.Fatal(err)
	}
	private := "chat=5 from=5"
	want := map[string]string{
		"message": private, "edited": private, "callback": private, "inline": "chat=0 from=5",
		"deleted": fmt.Sprint("chat=", superID, " from=0"), "status": "chat=0 from=5",
		"join": fmt.Sprint("chat=", superID, " from=5"), "chosen": "chat=0 from=5",
		"reaction": fmt.Sprint("chat=", superID, " from=5"), "vote": "chat=0 from=5",
		"member": fmt.Sprint("chat=", superID, " from=5"), "counts": fmt.Sprint("chat=", superID, " from=0"),
		"poll": "chat=0 from=0", "story": "chat=5 from=0", "boost": fmt.Sprint("chat=", superID, " from=0"),
		"checkout": "chat=0 from=5", "shipping": "chat=0 from=5",
		"raw": "chat=0 from=0", // the typing update, which no typed handler takes
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestHandlersAcceptService(t *testing.T) {
	c := offlineClient(t, 1)
	tr := &trace{}
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error { tr.add("plain:" + m.Service().String()); return nil })
	c.AddHandler(mtgo.NewMessageHandler(func(_ *mtgo.Context, m *types.Message) error {
		tr.add("service:" + m.Service().String())
		return nil
	}).AcceptService(), 1)
	u := &tg.Updates{Updates: []tg.UpdateClass{
		&tg.UpdateNewMessage{Message: &tg.MessageService{ID: 1, PeerID: &tg.PeerChat{ChatID: 40}, FromID: &tg.PeerUser{UserID: 5},
			Action: &tg.MessageActionChatAddUser{Users: []int64{6}}}},
		&tg.UpdateNewMessage{Message: &tg.Message{ID: 2, PeerID: &tg.PeerChat{ChatID: 40}, FromID: &tg.PeerUser{UserID: 5}, Message: "x"}},
	}}
	if err := mtgo.Deliver(context.Background(), c, u); err != nil {
		t.Fatal(err)
	}
	want := []string{"service:new members", "plain:none", "service:none"}
	if diff := cmp.Diff(want, tr.get()); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
