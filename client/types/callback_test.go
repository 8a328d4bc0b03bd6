package types_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestNewCallbackQuery(t *testing.T) {
	ents := types.NewEntities([]tg.UserClass{&tg.User{ID: 7, FirstName: tl.Some("Ann"), AccessHash: tl.Some(int64(70))}}, nil)
	inline := &tg.InputBotInlineMessageID{DCID: 2, ID: 99, AccessHash: 5}
	tests := []struct {
		name string
		in   tg.UpdateClass
		want *types.CallbackQuery
	}{
		{
			name: "chat message",
			in: &tg.UpdateBotCallbackQuery{QueryID: 1, UserID: 7, Peer: &tg.PeerUser{UserID: 7}, MsgID: 10,
				ChatInstance: 3, Data: tl.Some([]byte("go"))},
			want: &types.CallbackQuery{ID: 1, From: &types.User{ID: 7, FirstName: "Ann", AccessHash: 70},
				Chat:    &types.Chat{ID: 7, Type: types.ChatPrivate, FirstName: "Ann", AccessHash: 70},
				Message: &types.Message{ID: 10, Chat: &types.Chat{ID: 7, Type: types.ChatPrivate, FirstName: "Ann", AccessHash: 70}, Outgoing: true},
				Data:    []byte("go"), ChatInstance: 3},
		},
		{
			name: "inline message, unknown user",
			in:   &tg.UpdateInlineBotCallbackQuery{QueryID: 2, UserID: 8, MsgID: inline, GameShortName: tl.Some("g")},
			want: &types.CallbackQuery{ID: 2, From: &types.User{ID: 8}, InlineMessage: inline,
				InlineMessageID: "AgAAAGMAAAAAAAAABQAAAAAAAAA", GameShortName: "g"},
		},
		{name: "other update", in: &tg.UpdateNewMessage{}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := types.NewCallbackQuery(nil, tt.in, ents)
			opts := []cmp.Option{cmpopts.IgnoreUnexported(types.CallbackQuery{}, types.Message{}, types.Chat{}),
				cmpopts.IgnoreFields(types.CallbackQuery{}, "Raw"), cmpopts.IgnoreFields(types.User{}, "Raw")}
			if diff := cmp.Diff(tt.want, got, opts...); diff != "" {
				t.Fatalf("NewCallbackQuery (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCallbackQueryBound(t *testing.T) {
	ctx := context.Background()
	api := &fakeAPI{}
	chat := types.NewCallbackQuery(api, &tg.UpdateBotCallbackQuery{QueryID: 1, UserID: 7, Peer: &tg.PeerUser{UserID: 7}, MsgID: 10}, types.Entities{})
	if err := chat.Answer(ctx, "done", option.CallbackAnswerFunc(func(p *option.CallbackAnswerParams) { p.Alert = true })); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"done"}, api.answered); diff != "" || !api.alert {
		t.Fatalf("answers (-want +got):\n%s alert=%v", diff, api.alert)
	}
	m, err := chat.EditText(ctx, "edited")
	if err != nil || m.ID != 10 || m.Text != "edited" {
		t.Fatalf("EditText = %+v, %v", m, err)
	}
	inline := types.NewCallbackQuery(api, &tg.UpdateInlineBotCallbackQuery{QueryID: 2, UserID: 7, MsgID: &tg.InputBotInlineMessageID64{ID: 1}}, types.Entities{})
	if _, err := inline.EditText(ctx, "x"); !errors.Is(err, types.ErrContextEditInline) {
		t.Fatalf("EditText of an inline message: %v, want ErrContextEditInline", err)
	}
	unbound := &types.CallbackQuery{ID: 3}
	if err := unbound.Answer(ctx, "x"); !errors.Is(err, types.ErrContextNoClient) {
		t.Fatalf("Answer unbound: %v", err)
	}
	if _, err := (&types.CallbackQuery{}).EditText(ctx, "x"); !errors.Is(err, types.ErrContextNoClient) {
		t.Fatalf("EditText unbound: %v", err)
	}
	noMsg := types.NewCallbackQuery(api, &tg.UpdateBotCallbackQuery{QueryID: 1, UserID: 7}, types.Entities{})
	if _, err := noMsg.EditText(ctx, "x"); !errors.Is(err, types.ErrContextNoMessage) {
		t.Fatalf("EditText without a message: %v", err)
	}
}

func TestNewCallbackAnswer(t *testing.T) {
	raw := &tg.MessagesBotCallbackAnswer{Alert: true, Message: tl.Some("hi"), URL: tl.Some("https://t.me/x"), CacheTime: 5}
	want := &types.CallbackAnswer{Message: "hi", Alert: true, URL: "https://t.me/x", CacheTime: 5 * time.Second, Raw: raw}
	if diff := cmp.Diff(want, types.NewCallbackAnswer(raw)); diff != "" {
		t.Fatalf("NewCallbackAnswer (-want +got):\n%s", diff)
	}
	if types.NewCallbackAnswer(nil) != nil {
		t.Fatal("nil answer built a value")
	}
}

func doc(attrs ...tg.DocumentAttributeClass) *tg.MessageMediaDocument {
	return &tg.MessageMediaDocument{Document: &tg.Document{ID: 1, Attributes: attrs}}
}

func TestMediaKind(t *testing.T) {
	tests := []struct {
		media tg.MessageMediaClass
		want  types.MediaKind
	}{
		{nil, types.KindNone},
		{&tg.MessageMediaEmpty{}, types.KindNone},
		{&tg.MessageMediaPhoto{}, types.KindPhoto},
		{doc(&tg.DocumentAttributeFilename{FileName: "a.pdf"}), types.KindDocument},
		{doc(&tg.DocumentAttributeVideo{W: 1}), types.KindVideo},
		{doc(&tg.DocumentAttributeVideo{RoundMessage: true}), types.KindVideoNote},
		{doc(&tg.DocumentAttributeVideo{}, &tg.DocumentAttributeAnimated{}), types.KindAnimation},
		{doc(&tg.DocumentAttributeAudio{}), types.KindAudio},
		{doc(&tg.DocumentAttributeAudio{Voice: true}), types.KindVoice},
		{&tg.MessageMediaDocument{Voice: true}, types.KindVoice},
		{doc(&tg.DocumentAttributeVideo{}, &tg.DocumentAttributeSticker{}), types.KindSticker},
		{&tg.MessageMediaContact{}, types.KindContact},
		{&tg.MessageMediaGeo{}, types.KindLocation},
		{&tg.MessageMediaGeoLive{}, types.KindLocation},
		{&tg.MessageMediaVenue{}, types.KindVenue},
		{&tg.MessageMediaPoll{}, types.KindPoll},
		{&tg.MessageMediaDice{}, types.KindDice},
		{&tg.MessageMediaWebPage{}, types.KindWebPage},
	}
	for _, tt := range tests {
		t.Run(tt.want.String(), func(t *testing.T) {
			if got := (&types.Message{Media: types.NewMedia(tt.media, nil, 0, types.Entities{})}).MediaKind(); got != tt.want {
				t.Fatalf("MediaKind of %T = %v, want %v", tt.media, got, tt.want)
			}
		})
	}
}

func TestChannelPost(t *testing.T) {
	channel := &tg.Channel{ID: 5, Title: "news", Broadcast: true}
	super := &tg.Channel{ID: 6, Title: "chat", Megagroup: true}
	ents := types.NewEntities(nil, []tg.ChatClass{channel, super})
	tests := []struct {
		name string
		in   *tg.Message
		want bool
	}{
		{"post flag", &tg.Message{ID: 1, Post: true, PeerID: &tg.PeerChannel{ChannelID: 9}}, true},
		{"known broadcast channel", &tg.Message{ID: 1, PeerID: &tg.PeerChannel{ChannelID: 5}}, true},
		{"supergroup", &tg.Message{ID: 1, PeerID: &tg.PeerChannel{ChannelID: 6}, FromID: &tg.PeerUser{UserID: 1}}, false},
		{"unknown channel without the flag", &tg.Message{ID: 1, PeerID: &tg.PeerChannel{ChannelID: 9}}, false},
		{"private", &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 1}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := types.NewMessage(nil, tt.in, ents).IsChannelPost; got != tt.want {
				t.Fatalf("IsChannelPost = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestInlineQuery(t *testing.T) {
	ents := types.NewEntities([]tg.UserClass{&tg.User{ID: 7, FirstName: tl.Some("Ann")}}, nil)
	api := &fakeAPI{}
	q := types.NewInlineQuery(api, &tg.UpdateBotInlineQuery{QueryID: 4, UserID: 7, Query: "cats", Offset: "10",
		PeerType: &tg.InlineQueryPeerTypePM{}}, ents)
	if q == nil || q.ID != 4 || q.From.FirstName != "Ann" || q.Query != "cats" || q.Offset != "10" || q.PeerType == nil {
		t.Fatalf("NewInlineQuery = %+v", q)
	}
	if types.NewInlineQuery(api, &tg.UpdateNewMessage{}, ents) != nil {
		t.Fatal("built an inline query from another update")
	}
	personal := option.InlineAnswerFunc(func(p *option.InlineAnswerParams) { p.Personal = true })
	if err := q.Answer(context.Background(), make([]tg.InputBotInlineResultClass, 2), personal); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2}, api.inline); diff != "" || !api.personal {
		t.Fatalf("answers (-want +got):\n%s personal=%v", diff, api.personal)
	}
	if err := (&types.InlineQuery{}).Answer(context.Background(), nil); !errors.Is(err, types.ErrContextNoClient) {
		t.Fatalf("unbound Answer: %v", err)
	}
}

func TestNewDeletedMessages(t *testing.T) {
	super := &tg.Channel{ID: 6, Title: "chat", Megagroup: true}
	ents := types.NewEntities(nil, []tg.ChatClass{super})
	tests := []struct {
		name string
		in   tg.UpdateClass
		ids  []int
		chat int64
	}{
		{"account-wide", &tg.UpdateDeleteMessages{Messages: []int32{3, 4}}, []int{3, 4}, 0},
		{"channel", &tg.UpdateDeleteChannelMessages{ChannelID: 6, Messages: []int32{9}}, []int{9}, types.ChannelChatID(6)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := types.NewDeletedMessages(tt.in, ents)
			if diff := cmp.Diff(tt.ids, d.IDs); diff != "" {
				t.Fatalf("IDs (-want +got):\n%s", diff)
			}
			var chat int64
			if d.Chat != nil {
				chat = d.Chat.ID
				if d.Chat.Type != types.ChatSupergroup {
					t.Fatalf("chat type = %v", d.Chat.Type)
				}
			}
			if chat != tt.chat {
				t.Fatalf("chat = %d, want %d", chat, tt.chat)
			}
		})
	}
	if types.NewDeletedMessages(&tg.UpdateNewMessage{}, ents) != nil {
		t.Fatal("built from another update")
	}
}

func TestParseInlineMessageID(t *testing.T) {
	for _, id := range []tg.InputBotInlineMessageIDClass{
		&tg.InputBotInlineMessageID{DCID: 2, ID: 99, AccessHash: -5},
		&tg.InputBotInlineMessageID64{DCID: 4, OwnerID: 1 << 40, ID: 7, AccessHash: 3},
	} {
		s := types.InlineMessageID(id)
		got, err := types.ParseInlineMessageID(s)
		if err != nil {
			t.Fatalf("ParseInlineMessageID(%q): %v", s, err)
		}
		if diff := cmp.Diff(id, got); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
		if types.InlineMessageDC(got) != types.InlineMessageDC(id) || types.InlineMessageDC(id) == 0 {
			t.Fatalf("InlineMessageDC = %d", types.InlineMessageDC(got))
		}
	}
	for _, bad := range []string{"", "!!!", "AAAA", "AgAAAGMAAAAAAAAABQAAAAAAAA=="} {
		if _, err := types.ParseInlineMessageID(bad); err == nil {
			t.Errorf("ParseInlineMessageID(%q) succeeded", bad)
		}
	}

	api := &fakeAPI{}
	inline := types.NewCallbackQuery(api, &tg.UpdateInlineBotCallbackQuery{QueryID: 2, UserID: 7, MsgID: &tg.InputBotInlineMessageID{DCID: 3}}, types.Entities{})
	if err := inline.EditInlineText(context.Background(), "new"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"3:new"}, api.inlineEdits); diff != "" {
		t.Fatalf("inline edits (-want +got):\n%s", diff)
	}
	chat := types.NewCallbackQuery(api, &tg.UpdateBotCallbackQuery{QueryID: 1, UserID: 7, Peer: &tg.PeerUser{UserID: 7}}, types.Entities{})
	if err := chat.EditInlineText(context.Background(), "x"); !errors.Is(err, types.ErrContextNoMessage) {
		t.Fatalf("EditInlineText of a chat message: %v", err)
	}
}

func FuzzParseInlineMessageID(f *testing.F) {
	f.Add(types.InlineMessageID(&tg.InputBotInlineMessageID{DCID: 2, ID: 99, AccessHash: 5}))
	f.Add(types.InlineMessageID(&tg.InputBotInlineMessageID64{DCID: 2, OwnerID: 9, ID: 1, AccessHash: 5}))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := types.ParseInlineMessageID(s)
		if err != nil {
			return
		}
		// What parses writes back to the same id.
		back, err := types.ParseInlineMessageID(types.InlineMessageID(id))
		if err != nil || !cmp.Equal(id, back) {
			t.Fatalf("round trip of %q: %v, %v", s, back, err)
		}
	})
}
