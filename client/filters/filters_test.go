package filters_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// bot returns an offline client logged in as @ThisBot.
func bot(t *testing.T) *mtgo.Client {
	t.Helper()
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.NoUpdates = true
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	c.SetMe(&types.User{ID: 100, Username: "ThisBot", IsBot: true})
	return c
}

var (
	private    = &types.Chat{ID: 7, Type: types.ChatPrivate}
	group      = &types.Chat{ID: -5, Type: types.ChatGroup}
	supergroup = &types.Chat{ID: -1000000000006, Type: types.ChatSupergroup}
	channel    = &types.Chat{ID: -1000000000009, Type: types.ChatChannel}
	ann        = &types.User{ID: 7, Username: "Ann"}
)

func msg(text string) *types.Message {
	return &types.Message{ID: 1, Chat: private, From: ann, Text: text}
}

func withMsg(c *mtgo.Client, m *types.Message) *mtgo.Context {
	ctx := mtgo.NewContext(context.Background())
	ctx.Client, ctx.Message = c, m
	return ctx
}

func withCallback(data string, chat *types.Chat) *mtgo.Context {
	ctx := mtgo.NewContext(context.Background())
	ctx.CallbackQuery = &types.CallbackQuery{ID: 1, From: ann, Chat: chat, Data: []byte(data)}
	if chat != nil {
		ctx.CallbackQuery.Message = &types.Message{ID: 3, Chat: chat}
	}
	return ctx
}

type filterCase struct {
	name string
	ctx  *mtgo.Context
	want bool
}

func check(t *testing.T, f mtgo.Filter, cases []filterCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if got := f(tt.ctx); got != tt.want {
				t.Fatalf("filter = %v, want %v", got, tt.want)
			}
		})
	}
}

func docMedia(attrs ...tg.DocumentAttributeClass) tg.MessageMediaClass {
	return &tg.MessageMediaDocument{Document: &tg.Document{ID: 1, Attributes: attrs}}
}

func withMedia(m tg.MessageMediaClass) *mtgo.Context {
	x := msg("caption")
	x.Media = types.NewMedia(m, nil, 0, types.Entities{})
	return withMsg(nil, x)
}

func TestLogic(t *testing.T) {
	yes := func(*mtgo.Context) bool { return true }
	no := func(*mtgo.Context) bool { return false }
	ctx := mtgo.NewContext(context.Background())
	tests := []struct {
		name string
		f    mtgo.Filter
		want bool
	}{
		{"And()", filters.And(), true},
		{"And(yes, yes)", filters.And(yes, yes), true},
		{"And(yes, no)", filters.And(yes, no), false},
		{"And(nil, yes)", filters.And(nil, yes), true},
		{"Or()", filters.Or(), false},
		{"Or(no, yes)", filters.Or(no, yes), true},
		{"Or(no, no)", filters.Or(no, no), false},
		{"Not(yes)", filters.Not(yes), false},
		{"Not(no)", filters.Not(no), true},
		{"Not(no, yes)", filters.Not(no, yes), false},
		{"Not(And(yes, Or(no, yes)))", filters.Not(filters.And(yes, filters.Or(no, yes))), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f(ctx); got != tt.want {
				t.Fatalf("= %v, want %v", got, tt.want)
			}
		})
	}
	// And stops at the first failing filter, Or at the first passing one.
	calls := 0
	count := func(*mtgo.Context) bool { calls++; return true }
	filters.And(no, count)(ctx)
	filters.Or(yes, count)(ctx)
	if calls != 0 {
		t.Fatalf("short circuit: %d later filters ran", calls)
	}
}

func TestCommand(t *testing.T) {
	c := bot(t)
	check(t, filters.Command("start"), []filterCase{
		{"exact", withMsg(c, msg("/start")), true},
		{"with arguments", withMsg(c, msg("/start a b")), true},
		{"own username", withMsg(c, msg("/start@ThisBot")), true},
		{"own username, other case", withMsg(c, msg("/start@thisbot x")), true},
		{"other bot", withMsg(c, msg("/start@otherbot")), false},
		{"other command", withMsg(c, msg("/stop")), false},
		{"longer command", withMsg(c, msg("/started")), false},
		{"case differs", withMsg(c, msg("/START")), false},
		{"no prefix", withMsg(c, msg("start")), false},
		{"prefix alone", withMsg(c, msg("/")), false},
		{"not at the start", withMsg(c, msg("say /start")), false},
		{"no message", withCallback("/start", private), false},
		{"mention without client", withMsg(nil, msg("/start@ThisBot")), false},
	})
	check(t, filters.CommandWith(filters.CommandConfig{Prefixes: []string{"!", "."}, CaseInsensitive: true}, "ping"), []filterCase{
		{"bang", withMsg(c, msg("!ping")), true},
		{"dot, upper case", withMsg(c, msg(".PING")), true},
		{"slash", withMsg(c, msg("/ping")), false},
	})
	check(t, filters.Command(), []filterCase{
		{"any command", withMsg(c, msg("/anything")), true},
		{"plain text", withMsg(c, msg("hello")), false},
	})
}

func TestCommandOf(t *testing.T) {
	c := bot(t)
	ctx := withMsg(c, msg(`/echo@thisbot  one "two three" 'four \' five' six\7`))
	if !filters.Command("echo")(ctx) {
		t.Fatal("command did not match")
	}
	got, ok := filters.CommandOf(ctx)
	if !ok {
		t.Fatal("CommandOf found nothing")
	}
	want := &filters.CommandMatch{
		Prefix: "/", Command: "echo", Mention: "thisbot",
		Args:     []string{"one", "two three", "four ' five", `six\7`},
		ArgsText: `one "two three" 'four \' five' six\7`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("CommandOf (-want +got):\n%s", diff)
	}
	if _, ok := filters.CommandOf(withMsg(c, msg("/echo"))); ok {
		t.Fatal("CommandOf without the filter found a command")
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text string
		want filters.CommandMatch
		ok   bool
	}{
		{"/a", filters.CommandMatch{Prefix: "/", Command: "a"}, true},
		{"//a", filters.CommandMatch{Prefix: "//", Command: "a"}, true},
		{"/a\tb\nc", filters.CommandMatch{Prefix: "/", Command: "a", Args: []string{"b", "c"}, ArgsText: "b\nc"}, true},
		{`/a "unclosed quote`, filters.CommandMatch{Prefix: "/", Command: "a", Args: []string{"unclosed quote"}, ArgsText: `"unclosed quote`}, true},
		{`/a ""`, filters.CommandMatch{Prefix: "/", Command: "a", Args: []string{""}, ArgsText: `""`}, true},
		{"/a@", filters.CommandMatch{Prefix: "/", Command: "a"}, true},
		{"/@bot", filters.CommandMatch{}, false},
		{"/ a", filters.CommandMatch{}, false},
		{"", filters.CommandMatch{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := filters.ParseCommand(tt.text, []string{"//", "/"})
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/start", `/a "b c" 'd\'e' f`, "/x@bot arg", "!cmd", `/a "`, "/\xff\xfe \"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cm, ok := filters.ParseCommand(text, []string{"/", "!"})
		if !ok {
			return
		}
		if cm.Command == "" || len(cm.ArgsText) > len(text) {
			t.Fatalf("bad parse of %q: %+v", text, cm)
		}
		n := 0
		for _, a := range cm.Args {
			n += len(a)
		}
		// Invalid UTF-8 bytes become U+FFFD (3 bytes each): the output is at most 3x the input.
		if n > 3*len(text) {
			t.Fatalf("arguments of %q grew to %d bytes", text, n)
		}
	})
}

func TestRegex(t *testing.T) {
	f := filters.Regex(regexp.MustCompile(`(\w+)@(\w+)`))
	check(t, f, []filterCase{
		{"text", withMsg(nil, msg("mail ann@x and bob@y")), true},
		{"caption", withMedia(&tg.MessageMediaPhoto{}), false},
		{"callback data", withCallback("c@d", private), true},
		{"no match", withMsg(nil, msg("nothing")), false},
		{"nothing", mtgo.NewContext(context.Background()), false},
	})
	ctx := withMsg(nil, msg("mail ann@x and bob@y"))
	f(ctx)
	got, ok := filters.MatchesOf(ctx)
	want := [][]string{{"ann@x", "ann", "x"}, {"bob@y", "bob", "y"}}
	if diff := cmp.Diff(want, got); !ok || diff != "" {
		t.Fatalf("MatchesOf (-want +got):\n%s", diff)
	}
	caption := msg("see ann@x")
	caption.Media = &types.Photo{}
	if !f(withMsg(nil, caption)) {
		t.Fatal("Regex skipped a caption")
	}
}

// TestRegexLinear runs Regex over texts of 256 and 8192 bytes with an expression whose every
// match is short but can only be told from a longer one by reading to the end of the text.
// Collecting every match takes time that grows with the square of the text (1024 times for
// 32 times the bytes; a second for 16 KiB); the filter keeps MaxMatches matches, so its time
// grows with the text, about 32 times. The limit, 256 times, leaves room for a busy machine
// and the race detector and is a quarter of the quadratic growth. Each size keeps its least
// time over nine rounds: on a machine with far more runnable threads than CPUs three rounds
// of the 8192-byte text (some 7 ms each) were all preempted once (50 ms, 265 times).
func TestRegexLinear(t *testing.T) {
	const small, factor, limit, rounds = 256, 32, 256, 9
	f := filters.Regex(regexp.MustCompile(`a*b|a`))
	cost := func(n int) time.Duration {
		ctx := withMsg(nil, msg(strings.Repeat("a", n)))
		least := time.Duration(1 << 62)
		for range rounds {
			start := time.Now()
			if !f(ctx) {
				t.Fatal("no match")
			}
			least = min(least, time.Since(start))
		}
		return least
	}
	ts, tl := cost(small), cost(factor*small)
	t.Logf("%d bytes: %v; %d bytes: %v", small, ts, factor*small, tl)
	if tl > limit*ts+time.Millisecond {
		t.Errorf("time grows %.0f times for %d times the text (%v, then %v)", float64(tl)/float64(ts), factor, ts, tl)
	}
}

// TestRegexMatchesBounded checks that MatchesOf holds the first MaxMatches matches of a text
// with more.
func TestRegexMatchesBounded(t *testing.T) {
	ctx := withMsg(nil, msg(strings.Repeat("x1 ", 3*filters.MaxMatches)))
	if !filters.Regex(regexp.MustCompile(`x(\d)`))(ctx) {
		t.Fatal("no match")
	}
	got, _ := filters.MatchesOf(ctx)
	want := make([][]string, filters.MaxMatches)
	for i := range want {
		want[i] = []string{"x1", "1"}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("MatchesOf (-want +got):\n%s", diff)
	}
}

func TestMessageFilters(t *testing.T) {
	edit := func(u tg.UpdateClass) *mtgo.Context {
		ctx := withMsg(nil, msg("x"))
		ctx.Update = u
		return ctx
	}
	out := msg("hi")
	out.Outgoing = true
	reply := msg("hi")
	reply.ReplyToMessageID = 4
	fwd := msg("hi")
	fwd.Forward = &types.ForwardOrigin{Type: types.OriginHiddenUser}
	post := &types.Message{ID: 1, Chat: channel, Text: "news", IsChannelPost: true}
	inGroup := &types.Message{ID: 1, Chat: group, From: ann, Text: "x"}
	inSuper := &types.Message{ID: 1, Chat: supergroup, From: ann, Text: "x"}
	kb := msg("pick")
	kb.ReplyMarkup = &types.InlineKeyboard{}
	tests := []struct {
		name  string
		f     mtgo.Filter
		cases []filterCase
	}{
		{"Text", filters.Text, []filterCase{
			{"text", withMsg(nil, msg("hi")), true},
			{"link preview", withMedia(&tg.MessageMediaWebPage{}), true},
			{"caption", withMedia(&tg.MessageMediaPhoto{}), false},
			{"empty", withMsg(nil, msg("")), false},
			{"callback", withCallback("x", private), false},
		}},
		{"Caption", filters.Caption, []filterCase{
			{"photo with caption", withMedia(&tg.MessageMediaPhoto{}), true},
			{"text", withMsg(nil, msg("hi")), false},
			{"link preview", withMedia(&tg.MessageMediaWebPage{}), false},
		}},
		{"Edited", filters.Edited, []filterCase{
			{"edit", edit(&tg.UpdateEditMessage{}), true},
			{"channel edit", edit(&tg.UpdateEditChannelMessage{}), true},
			{"new", edit(&tg.UpdateNewMessage{}), false},
		}},
		{"Incoming", filters.Incoming, []filterCase{
			{"incoming", withMsg(nil, msg("hi")), true}, {"outgoing", withMsg(nil, out), false},
			{"callback", withCallback("x", private), false},
		}},
		{"Outgoing", filters.Outgoing, []filterCase{
			{"incoming", withMsg(nil, msg("hi")), false}, {"outgoing", withMsg(nil, out), true},
		}},
		{"Reply", filters.Reply, []filterCase{
			{"reply", withMsg(nil, reply), true}, {"not", withMsg(nil, msg("x")), false},
		}},
		{"Forwarded", filters.Forwarded, []filterCase{
			{"forwarded", withMsg(nil, fwd), true}, {"not", withMsg(nil, msg("x")), false},
		}},
		{"InlineKeyboard", filters.InlineKeyboard, []filterCase{
			{"buttons", withMsg(nil, kb), true}, {"none", withMsg(nil, msg("x")), false},
		}},
		{"Private", filters.Private, []filterCase{
			{"private", withMsg(nil, msg("x")), true}, {"group", withMsg(nil, inGroup), false},
			{"callback in private", withCallback("x", private), true},
			{"inline callback", withCallback("x", nil), false},
		}},
		{"Group", filters.Group, []filterCase{
			{"group", withMsg(nil, inGroup), true}, {"supergroup", withMsg(nil, inSuper), true},
			{"private", withMsg(nil, msg("x")), false}, {"channel", withMsg(nil, post), false},
		}},
		{"Supergroup", filters.Supergroup, []filterCase{
			{"group", withMsg(nil, inGroup), false}, {"supergroup", withMsg(nil, inSuper), true},
		}},
		{"Channel", filters.Channel, []filterCase{
			{"post", withMsg(nil, post), true}, {"supergroup", withMsg(nil, inSuper), false},
			{"callback under a post", withCallback("x", channel), true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.f, tt.cases) })
	}
}

func TestMediaFilters(t *testing.T) {
	media := map[string]tg.MessageMediaClass{
		"photo":      &tg.MessageMediaPhoto{},
		"video":      docMedia(&tg.DocumentAttributeVideo{}),
		"video note": docMedia(&tg.DocumentAttributeVideo{RoundMessage: true}),
		"animation":  docMedia(&tg.DocumentAttributeAnimated{}),
		"audio":      docMedia(&tg.DocumentAttributeAudio{}),
		"voice":      docMedia(&tg.DocumentAttributeAudio{Voice: true}),
		"sticker":    docMedia(&tg.DocumentAttributeSticker{}),
		"document":   docMedia(&tg.DocumentAttributeFilename{FileName: "a"}),
		"contact":    &tg.MessageMediaContact{},
		"location":   &tg.MessageMediaGeo{},
		"venue":      &tg.MessageMediaVenue{},
		"poll":       &tg.MessageMediaPoll{},
		"dice":       &tg.MessageMediaDice{},
		"game":       &tg.MessageMediaGame{},
		"web page":   &tg.MessageMediaWebPage{},
	}
	tests := []struct {
		kind string
		f    mtgo.Filter
	}{
		{"photo", filters.Photo}, {"video", filters.Video}, {"video note", filters.VideoNote},
		{"animation", filters.Animation}, {"audio", filters.Audio}, {"voice", filters.Voice},
		{"sticker", filters.Sticker}, {"document", filters.Document}, {"contact", filters.Contact},
		{"location", filters.Location}, {"venue", filters.Venue}, {"poll", filters.Poll},
		{"dice", filters.Dice}, {"game", filters.Game}, {"web page", filters.WebPage},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			// Each kind's filter passes its media and no other.
			for name, m := range media {
				if got := tt.f(withMedia(m)); got != (name == tt.kind) {
					t.Errorf("%s filter on %s = %v", tt.kind, name, got)
				}
			}
			if tt.f(withMsg(nil, msg("plain"))) || tt.f(withCallback("x", private)) {
				t.Error("passed a message without media or a callback")
			}
		})
	}
	check(t, filters.Media, []filterCase{
		{"photo", withMedia(&tg.MessageMediaPhoto{}), true},
		{"link preview", withMedia(&tg.MessageMediaWebPage{}), false},
		{"none", withMsg(nil, msg("x")), false},
	})
	check(t, filters.MediaKind(types.KindPhoto, types.KindVoice), []filterCase{
		{"photo", withMedia(&tg.MessageMediaPhoto{}), true},
		{"voice", withMedia(docMedia(&tg.DocumentAttributeAudio{Voice: true})), true},
		{"video", withMedia(docMedia(&tg.DocumentAttributeVideo{})), false},
	})
}

func TestFromUsers(t *testing.T) {
	c := bot(t)
	bob := &types.Message{ID: 1, Chat: private, From: &types.User{ID: 8, Username: "bob"}, Text: "x"}
	me := &types.Message{ID: 1, Chat: private, From: &types.User{ID: 100}, Text: "x"}
	check(t, filters.FromUsers(filters.ID(7), filters.Username("@BOB")), []filterCase{
		{"by id", withMsg(c, msg("x")), true},
		{"by username, any case", withMsg(c, bob), true},
		{"other", withMsg(c, me), false},
		{"callback by id", withCallback("x", private), true},
		{"no sender", withMsg(c, &types.Message{ID: 1, Chat: channel}), false},
	})
	check(t, filters.FromUsers(filters.Me), []filterCase{
		{"the account", withMsg(c, me), true},
		{"other", withMsg(c, bob), false},
	})
	set := filters.NewUserSet(filters.ID(7))
	if !set.Match(withMsg(c, msg("x"))) || set.Match(withMsg(c, bob)) {
		t.Fatal("set of user 7")
	}
	set.Add(filters.Username("bob"))
	set.Remove(filters.ID(7))
	if set.Match(withMsg(c, msg("x"))) || !set.Match(withMsg(c, bob)) {
		t.Fatal("after Add(bob) and Remove(7)")
	}
}

func TestCallbackFilters(t *testing.T) {
	check(t, filters.CallbackData("vote:1"), []filterCase{
		{"exact", withCallback("vote:1", private), true},
		{"longer", withCallback("vote:12", private), false},
		{"message", withMsg(nil, msg("vote:1")), false},
	})
	check(t, filters.CallbackPrefix("vote:"), []filterCase{
		{"prefix", withCallback("vote:12", private), true},
		{"other", withCallback("page:2", private), false},
		{"inline message", withCallback("vote:3", nil), true},
		{"message", withMsg(nil, msg("vote:1")), false},
	})
	f := filters.CallbackRegex(regexp.MustCompile(`^page:(\d+)$`))
	ctx := withCallback("page:42", private)
	if !f(ctx) || f(withCallback("page:x", private)) || f(withMsg(nil, msg("page:1"))) {
		t.Fatal("CallbackRegex")
	}
	if m, ok := filters.MatchesOf(ctx); !ok || m[0][1] != "42" {
		t.Fatalf("MatchesOf = %v, %v", m, ok)
	}
}

// TestParseCommandLarge parses a megabyte of quotes, escapes and spaces: one pass, no blow-up.
func TestParseCommandLarge(t *testing.T) {
	text := "/a " + strings.Repeat(`"\" '\\ x `, 1<<17)
	cm, ok := filters.ParseCommand(text, []string{"/"})
	if !ok || cm.Command != "a" || len(cm.Args) == 0 {
		t.Fatalf("parse: ok=%v command=%q args=%d", ok, cm.Command, len(cm.Args))
	}
}

func TestInlineQueryFilters(t *testing.T) {
	inline := func(q string) *mtgo.Context {
		ctx := mtgo.NewContext(context.Background())
		ctx.InlineQuery = &types.InlineQuery{ID: 1, From: ann, Query: q}
		return ctx
	}
	check(t, filters.InlineQueryPrefix("gif "), []filterCase{
		{"prefix", inline("gif cats"), true},
		{"other", inline("cats"), false},
		{"message", withMsg(nil, msg("gif cats")), false},
	})
	check(t, filters.Regex(regexp.MustCompile(`^\d+$`)), []filterCase{
		{"inline digits", inline("42"), true},
		{"inline text", inline("x"), false},
	})
	check(t, filters.FromUsers(filters.Username("ann")), []filterCase{{"inline sender", inline("x"), true}})
}

func TestServiceFilters(t *testing.T) {
	svc := func(a tg.MessageActionClass) *mtgo.Context {
		return withMsg(nil, &types.Message{ID: 1, Chat: group, From: ann, Action: types.NewServiceAction(a, ann, 0, types.Entities{})})
	}
	joined := svc(&tg.MessageActionChatAddUser{Users: []int64{8}})
	left := svc(&tg.MessageActionChatDeleteUser{UserID: 8})
	title := svc(&tg.MessageActionChatEditTitle{Title: "t"})
	pinned := svc(&tg.MessageActionPinMessage{})
	plain := withMsg(nil, msg("x"))
	tests := []struct {
		name  string
		f     mtgo.Filter
		cases []filterCase
	}{
		{"Service", filters.Service, []filterCase{{"joined", joined, true}, {"title", title, true}, {"plain", plain, false}}},
		{"NewChatMembers", filters.NewChatMembers, []filterCase{{"joined", joined, true}, {"left", left, false}, {"plain", plain, false}}},
		{"LeftChatMember", filters.LeftChatMember, []filterCase{{"left", left, true}, {"joined", joined, false}}},
		{"NewChatTitle", filters.NewChatTitle, []filterCase{{"title", title, true}, {"pinned", pinned, false}}},
		{"PinnedMessage", filters.PinnedMessage, []filterCase{{"pinned", pinned, true}, {"title", title, false}}},
		{"ServiceKind", filters.ServiceKind(types.ServiceLeftMember, types.ServicePinned), []filterCase{
			{"left", left, true}, {"pinned", pinned, true}, {"joined", joined, false}, {"plain", plain, false},
		}},
		{"Text", filters.Text, []filterCase{{"service", title, false}}},
		{"Command", filters.Command(), []filterCase{{"service", title, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.f, tt.cases) })
	}
}

func TestChatFilters(t *testing.T) {
	named := &types.Chat{ID: -1000000000011, Type: types.ChatSupergroup, Username: "GoLang", IsForum: true}
	inNamed := &types.Message{ID: 1, Chat: named, From: ann, Text: "x"}
	topicPost := &types.Message{ID: 2, Chat: named, From: ann, Text: "x", TopicID: 5}
	kb := msg("x")
	kb.ReplyMarkup = &types.ReplyKeyboard{}
	check(t, filters.FromChats(filters.ID(-5), filters.Username("@golang")), []filterCase{
		{"by id", withMsg(nil, &types.Message{ID: 1, Chat: group, Text: "x"}), true},
		{"by username, any case", withMsg(nil, inNamed), true},
		{"other", withMsg(nil, msg("x")), false},
		{"callback in the chat", withCallback("x", group), true},
		{"no chat", mtgo.NewContext(context.Background()), false},
	})
	set := filters.NewChatSet(filters.ID(7))
	if !set.Match(withMsg(nil, msg("x"))) {
		t.Fatal("set of chat 7")
	}
	set.Remove(filters.ID(7))
	set.Add(filters.Username("golang"))
	if set.Match(withMsg(nil, msg("x"))) || !set.Match(withMsg(nil, inNamed)) {
		t.Fatal("after Remove(7) and Add(golang)")
	}
	check(t, filters.Forum, []filterCase{{"forum", withMsg(nil, inNamed), true}, {"private", withMsg(nil, msg("x")), false}})
	check(t, filters.Topic(), []filterCase{{"topic post", withMsg(nil, topicPost), true}, {"general", withMsg(nil, inNamed), false}})
	check(t, filters.Topic(4, 5), []filterCase{{"topic 5", withMsg(nil, topicPost), true}})
	check(t, filters.Topic(4), []filterCase{{"topic 5", withMsg(nil, topicPost), false}})
	check(t, filters.ReplyKeyboard, []filterCase{{"keyboard", withMsg(nil, kb), true}, {"none", withMsg(nil, msg("x")), false}})
}
