package types_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestNewChat(t *testing.T) {
	tests := []struct {
		name string
		in   tg.ChatClass
		want *types.Chat
		peer tg.InputPeerClass
	}{
		{"basic group", &tg.Chat{ID: 5, Title: "g"}, &types.Chat{ID: -5, Type: types.ChatGroup, Title: "g"}, &tg.InputPeerChat{ChatID: 5}},
		{"supergroup", &tg.Channel{ID: 7, Megagroup: true, Title: "s", AccessHash: tl.Some[int64](3), Username: tl.Some("sg")},
			&types.Chat{ID: -1000000000007, Type: types.ChatSupergroup, Title: "s", Username: "sg", AccessHash: 3},
			&tg.InputPeerChannel{ChannelID: 7, AccessHash: 3}},
		{"channel forbidden", &tg.ChannelForbidden{ID: 8, AccessHash: 4, Title: "c"},
			&types.Chat{ID: -1000000000008, Type: types.ChatChannel, Title: "c", AccessHash: 4},
			&tg.InputPeerChannel{ChannelID: 8, AccessHash: 4}},
		{"empty", &tg.ChatEmpty{ID: 1}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := types.NewChat(tt.in)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(types.Chat{}, "Raw"), cmpopts.IgnoreUnexported(types.Chat{})); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			if got == nil {
				return
			}
			if diff := cmp.Diff(tt.peer, got.InputPeer()); diff != "" {
				t.Fatalf("InputPeer (-want +got):\n%s", diff)
			}
			if got.PeerID() <= 0 {
				t.Fatalf("PeerID = %d", got.PeerID())
			}
		})
	}
}

func TestNewUser(t *testing.T) {
	u := types.NewUser(&tg.User{ID: 1, Bot: true, FirstName: tl.Some("A"), LastName: tl.Some("B"), AccessHash: tl.Some[int64](9),
		Usernames: []tg.Username{{Username: "inactive"}, {Username: "active_one", Active: true}}})
	if u.FullName() != "A B" || u.Username != "active_one" || !u.IsBot || u.Chat().Type != types.ChatBot {
		t.Fatalf("user = %+v", u)
	}
	if diff := cmp.Diff(tg.InputPeerClass(&tg.InputPeerUser{UserID: 1, AccessHash: 9}), u.InputPeer()); diff != "" {
		t.Fatal(diff)
	}
	self := &types.User{ID: 2, IsSelf: true}
	if _, ok := self.InputPeer().(*tg.InputPeerSelf); !ok {
		t.Fatal("self user is not inputPeerSelf")
	}
	if types.NewUser(nil) != nil || types.NewUser(&tg.UserEmpty{ID: 3}).ID != 3 {
		t.Fatal("nil or empty user")
	}
}

type fakeAPI struct {
	sent     []string
	answered []string
	alert    bool
	inline   []int // result counts
	personal bool
	joins    []string
	// inlineEdits are "dc:text" of EditInline calls.
	inlineEdits []string
	payments    []string
}

func (f *fakeAPI) AnswerInline(_ context.Context, id int64, results []tg.InputBotInlineResultClass, opts ...option.InlineAnswer) error {
	f.inline = append(f.inline, len(results))
	f.personal = option.CollectInlineAnswer(opts).Personal
	return nil
}

func (f *fakeAPI) HideJoinRequest(_ context.Context, _ tg.InputPeerClass, user tg.InputUserClass, approve bool) error {
	f.joins = append(f.joins, fmt.Sprint(user.(*tg.InputUser).UserID, approve))
	return nil
}

func (f *fakeAPI) EditInline(_ context.Context, id tg.InputBotInlineMessageIDClass, text string, _ ...option.Edit) error {
	f.inlineEdits = append(f.inlineEdits, fmt.Sprint(types.InlineMessageDC(id), ":", text))
	return nil
}

func (f *fakeAPI) AnswerPreCheckout(_ context.Context, id int64, errMessage string) error {
	f.payments = append(f.payments, fmt.Sprint("checkout ", id, " ", errMessage))
	return nil
}

func (f *fakeAPI) AnswerShipping(_ context.Context, id int64, options []tg.ShippingOption, errMessage string) error {
	f.payments = append(f.payments, fmt.Sprint("shipping ", id, " ", len(options), " ", errMessage))
	return nil
}

func (f *fakeAPI) AnswerCallback(_ context.Context, id int64, text string, opts ...option.CallbackAnswer) error {
	f.answered = append(f.answered, text)
	f.alert = option.CollectCallbackAnswer(opts).Alert
	return nil
}

func (f *fakeAPI) SendText(_ context.Context, peer tg.InputPeerClass, text string, replyTo int, _ ...option.Send) (*types.Message, error) {
	f.sent = append(f.sent, text)
	return &types.Message{Text: text, ReplyToMessageID: replyTo}, nil
}

func (f *fakeAPI) EditText(_ context.Context, _ tg.InputPeerClass, id int, text string, _ ...option.Edit) (*types.Message, error) {
	return &types.Message{ID: id, Text: text}, nil
}

func (f *fakeAPI) DeleteMessages(context.Context, tg.InputPeerClass, []int) error { return nil }

func (f *fakeAPI) DownloadMessage(context.Context, *types.Message, io.Writer, ...media.Option) (int64, error) {
	return 0, nil
}

func (f *fakeAPI) DownloadMessageToFile(context.Context, *types.Message, string, ...media.Option) (int64, error) {
	return 0, nil
}

func TestNewMessage(t *testing.T) {
	e := types.NewEntities(
		[]tg.UserClass{&tg.User{ID: 10, FirstName: tl.Some("Sender"), AccessHash: tl.Some[int64](1)}},
		[]tg.ChatClass{&tg.Chat{ID: 20, Title: "Group"}, &tg.Channel{ID: 20, Title: "Chan", AccessHash: tl.Some[int64](2)}},
	)
	api := &fakeAPI{}
	tests := []struct {
		name             string
		in               tg.MessageClass
		chat             int64
		from, senderChat int64
		reply            int
	}{
		{"private incoming", &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 10}, Message: "hi", Date: 100}, 10, 10, 0, 0},
		{"group with reply", &tg.Message{ID: 2, PeerID: &tg.PeerChat{ChatID: 20}, FromID: &tg.PeerUser{UserID: 10},
			ReplyTo: &tg.MessageReplyHeader{ReplyToMsgID: tl.Some[int32](1)}}, -20, 10, 0, 1},
		{"channel post", &tg.Message{ID: 3, PeerID: &tg.PeerChannel{ChannelID: 20}}, -1000000000020, 0, -1000000000020, 0},
		{"service", &tg.MessageService{ID: 4, PeerID: &tg.PeerChat{ChatID: 20}, FromID: &tg.PeerUser{UserID: 11}, Action: &tg.MessageActionChatCreate{}}, -20, 11, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := types.NewMessage(api, tt.in, e)
			if m.Chat.ID != tt.chat || m.ReplyToMessageID != tt.reply {
				t.Fatalf("chat %d reply %d", m.Chat.ID, m.ReplyToMessageID)
			}
			var from, sc int64
			if m.From != nil {
				from = m.From.ID
			}
			if m.SenderChat != nil {
				sc = m.SenderChat.ID
			}
			if from != tt.from || sc != tt.senderChat {
				t.Fatalf("from %d sender chat %d", from, sc)
			}
			r, err := m.Reply(context.Background(), "r")
			if err != nil || r.ReplyToMessageID != m.ID {
				t.Fatalf("Reply = %+v, %v", r, err)
			}
		})
	}
	m := types.NewMessage(nil, &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 10}, Date: 100}, e)
	if m.Bound() || !m.Date.Equal(time.Unix(100, 0)) {
		t.Fatalf("unbound message %+v", m)
	}
	if _, err := m.Reply(context.Background(), "x"); !errors.Is(err, types.ErrContextNoClient) {
		t.Fatalf("Reply unbound = %v", err)
	}
	noChat := types.NewMessage(api, &tg.Message{ID: 1}, e)
	if _, err := noChat.Edit(context.Background(), "x"); !errors.Is(err, types.ErrContextNoChat) {
		t.Fatalf("Edit without chat = %v", err)
	}
	if types.NewMessage(api, &tg.MessageEmpty{ID: 1}, e) != nil {
		t.Fatal("messageEmpty built a message")
	}
}

func TestMessageMarkup(t *testing.T) {
	m := &types.Message{Text: "hi Ann <3", Entities: []tg.MessageEntityClass{
		&tg.MessageEntityBold{Offset: 0, Length: 2},
		&tg.MessageEntityMentionName{Offset: 3, Length: 3, UserID: 42},
	}}
	if got, want := m.Markdown(), "**hi** [Ann](tg://user?id=42) <3"; got != want {
		t.Fatalf("Markdown() = %q, want %q", got, want)
	}
	if got, want := m.HTML(), `<b>hi</b> <a href="tg://user?id=42">Ann</a> &lt;3`; got != want {
		t.Fatalf("HTML() = %q, want %q", got, want)
	}
	if got := (&types.Message{Text: "plain"}).Markdown(); got != "plain" {
		t.Fatalf("Markdown() of plain text = %q", got)
	}
}
