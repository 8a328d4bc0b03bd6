package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// errCaptured stops a captured request before it reaches the (absent) network.
var errCaptured = errors.New("captured")

// captureCalls makes every call of c fail with errCaptured and records its request, under mu,
// in the slice the result points to.
func captureCalls(c *mtgo.Client, mu *sync.Mutex) *[]tl.Encoder {
	var sent []tl.Encoder
	c.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(_ context.Context, in tl.Encoder, _ tl.Decoder) error {
			mu.Lock()
			sent = append(sent, in)
			mu.Unlock()
			return errCaptured
		})
	})
	return &sent
}

// TestBusinessKindsAndReply delivers each business update to a client with one handler per
// kind (and a plain OnMessage that must stay silent), and checks that Context.Reply on a
// business message sends messages.sendMessage inside invokeWithBusinessConnection.
func TestBusinessKindsAndReply(t *testing.T) {
	c := offlineClient(t, 1)
	var mu sync.Mutex
	got := map[string]string{}
	sent := captureCalls(c, &mu)
	record := func(kind, v string) {
		mu.Lock()
		got[kind] = v
		mu.Unlock()
	}
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error { record("plain", m.Text); return nil })
	c.OnBusinessConnection(func(ctx *mtgo.Context, bc *types.BusinessConnection) error {
		record("conn", bc.ID+" "+ctx.From().FirstName)
		return nil
	})
	c.OnBusinessMessage(func(ctx *mtgo.Context, m *types.Message) error {
		_, err := ctx.Reply("pong")
		record("new", m.BusinessConnectionID+" "+m.Text+" "+errString(err))
		return nil
	})
	c.OnEditedBusinessMessage(func(_ *mtgo.Context, m *types.Message) error {
		record("edit", m.BusinessConnectionID+" "+m.Text)
		return nil
	})
	c.OnDeletedBusinessMessages(func(ctx *mtgo.Context, d *types.DeletedBusinessMessages) error {
		record("deleted", d.ConnectionID+" "+ctx.Chat().FirstName)
		return nil
	})
	carol := &tg.PeerUser{UserID: 5}
	u := &tg.Updates{
		Users: []tg.UserClass{
			&tg.User{ID: 5, FirstName: tl.Some("Carol"), AccessHash: tl.Some(int64(35))},
			&tg.User{ID: 9, FirstName: tl.Some("Shop"), AccessHash: tl.Some(int64(99))},
		},
		Updates: []tg.UpdateClass{
			&tg.UpdateBotBusinessConnect{Connection: tg.BotBusinessConnection{ConnectionID: "cx", UserID: 9, Rights: &tg.BusinessBotRights{Reply: true}}, Qts: 1},
			&tg.UpdateBotNewBusinessMessage{ConnectionID: "cx", Message: &tg.Message{ID: 3, PeerID: carol, Message: "ping"}, Qts: 2},
			// The account's own message: skipped without AcceptOutgoing, as for OnMessage.
			&tg.UpdateBotNewBusinessMessage{ConnectionID: "cx", Message: &tg.Message{ID: 4, Out: true, PeerID: carol, Message: "mine"}, Qts: 3},
			&tg.UpdateBotEditBusinessMessage{ConnectionID: "cx", Message: &tg.Message{ID: 3, PeerID: carol, Message: "ping!"}, Qts: 4},
			&tg.UpdateBotDeleteBusinessMessage{ConnectionID: "cx", Peer: carol, Messages: []int32{3}, Qts: 5},
		},
	}
	if err := mtgo.Deliver(context.Background(), c, u); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]string{
		"conn": "cx Shop", "new": "cx ping " + errCaptured.Error(), "edit": "cx ping!", "deleted": "cx Carol",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("handlers (-want +got):\n%s", diff)
	}
	if len(*sent) != 1 {
		t.Fatalf("sent %d requests, want 1", len(*sent))
	}
	w, ok := (*sent)[0].(*tg.InvokeWithBusinessConnectionRequest)
	if !ok || w.ConnectionID != "cx" {
		t.Fatalf("reply sent as %T %+v", (*sent)[0], (*sent)[0])
	}
	req, ok := w.Query.(*tg.MessagesSendMessageRequest)
	if !ok || req.Message != "pong" || req.Peer.(*tg.InputPeerUser).UserID != 5 {
		t.Fatalf("inner query %+v", w.Query)
	}
	if r, ok := req.ReplyTo.(*tg.InputReplyToMessage); !ok || r.ReplyToMsgID != 3 {
		t.Fatalf("reply_to %+v", req.ReplyTo)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, errCaptured) {
		return errCaptured.Error()
	}
	return err.Error()
}

// TestBusinessCallsWrap: each call through a business connection goes out inside
// invokeWithBusinessConnection with the connection id and the Telegram method it stands
// for; an empty connection id fails before anything is sent.
func TestBusinessCallsWrap(t *testing.T) {
	c := offlineClient(t, 1)
	var mu sync.Mutex
	sent := captureCalls(c, &mu)
	carol := &tg.InputPeerUser{UserID: 5, AccessHash: 35}
	ctx := context.Background()
	// A connection the bot has not seen yet is asked for first (to learn its data center).
	if err := c.ReadBusinessChatHistory(ctx, "cx", carol, 0); !errors.Is(err, errCaptured) {
		t.Fatalf("read through an unknown connection: %v", err)
	}
	if len(*sent) != 1 || !cmp.Equal((*sent)[0], tl.Encoder(&tg.AccountGetBotBusinessConnectionRequest{ConnectionID: "cx"})) {
		t.Fatalf("first request %+v", *sent)
	}
	// Told of the connection (on the home data center), the bot calls through it directly.
	c.OnBusinessConnection(func(*mtgo.Context, *types.BusinessConnection) error { return nil })
	connect := &tg.UpdateBotBusinessConnect{Connection: tg.BotBusinessConnection{ConnectionID: "cx", UserID: 9, DCID: int32(c.DC())}, Qts: 1}
	if err := mtgo.Deliver(ctx, c, &tg.Updates{Updates: []tg.UpdateClass{connect}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func(id string) error
		want tl.Encoder // the inner query
		// needsID: without a connection the call fails (the others are then plain calls)
		needsID bool
	}{
		{"edit", func(id string) error {
			_, err := c.EditMessageText(ctx, carol, 7, "new", mtgo.WithBusinessConnection(id))
			return err
		}, &tg.MessagesEditMessageRequest{Peer: carol, ID: 7, Message: tl.Some("new")}, false},
		{"stop poll", func(id string) error {
			_, err := c.StopPoll(ctx, carol, 7, mtgo.WithBusinessConnection(id))
			return err
		}, &tg.MessagesEditMessageRequest{Peer: carol, ID: 7, Media: &tg.InputMediaPoll{Poll: tg.Poll{Closed: true}}}, false},
		{"pin", func(id string) error { return c.PinChatMessage(ctx, carol, 7, mtgo.WithBusinessConnection(id)) },
			&tg.MessagesUpdatePinnedMessageRequest{Peer: carol, ID: 7}, false},
		{"unpin", func(id string) error { return c.UnpinChatMessage(ctx, carol, 7, mtgo.WithBusinessConnection(id)) },
			&tg.MessagesUpdatePinnedMessageRequest{Peer: carol, ID: 7, Unpin: true}, false},
		{"delete", func(id string) error { return c.DeleteBusinessMessages(ctx, id, 7, 8) },
			&tg.MessagesDeleteMessagesRequest{Revoke: true, ID: []int32{7, 8}}, true},
		{"read", func(id string) error { return c.ReadBusinessChatHistory(ctx, id, carol, 9) },
			&tg.MessagesReadHistoryRequest{Peer: carol, MaxID: 9}, true},
		{"typing", func(id string) error { return c.SendBusinessChatAction(ctx, id, carol, types.ActionTyping) },
			&tg.MessagesSetTypingRequest{Peer: carol, Action: &tg.SendMessageTypingAction{}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			*sent = nil
			mu.Unlock()
			if err := tc.call("cx"); !errors.Is(err, errCaptured) {
				t.Fatalf("call: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(*sent) != 1 {
				t.Fatalf("sent %d requests", len(*sent))
			}
			w, ok := (*sent)[0].(*tg.InvokeWithBusinessConnectionRequest)
			if !ok || w.ConnectionID != "cx" {
				t.Fatalf("sent %T %+v", (*sent)[0], (*sent)[0])
			}
			if diff := cmp.Diff(tc.want, w.Query); diff != "" {
				t.Fatalf("inner query (-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range cases {
		if !tc.needsID {
			continue
		}
		t.Run(tc.name+" without connection", func(t *testing.T) {
			if err := tc.call(""); !errors.Is(err, mtgo.ErrEmptyField) {
				t.Fatalf("empty connection id: %v", err)
			}
		})
	}
}

// TestCopyBusinessMediaGroupArgs: CopyBusinessMediaGroup refuses, before any request, what
// is not the distinct items of one business album; the items of one go out as one
// messages.sendMultiMedia, in id order, with each caption as it was: through the connection
// into the album's chat (after asking for the connection's data center), as the bot
// elsewhere.
func TestCopyBusinessMediaGroupArgs(t *testing.T) {
	c := offlineClient(t, 1)
	var mu sync.Mutex
	sent := captureCalls(c, &mu)
	e := types.NewEntities([]tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("Carol"), AccessHash: tl.Some(int64(35))}}, nil)
	item := func(conn string, id int32, group int64, media tg.MessageMediaClass) *types.Message {
		raw := &tg.Message{ID: id, PeerID: &tg.PeerUser{UserID: 5}, Message: "**c**", GroupedID: tl.Some(group), Media: media}
		if conn == "" {
			return types.NewMessage(nil, raw, e)
		}
		return types.NewBusinessMessage(nil, &tg.UpdateBotNewBusinessMessage{ConnectionID: conn, Message: raw}, e)
	}
	photo := func(id int64) tg.MessageMediaClass {
		return &tg.MessageMediaPhoto{Photo: &tg.Photo{ID: id, AccessHash: id * 3, FileReference: []byte{1}}}
	}
	a, b := item("cx", 11, 77, photo(1)), item("cx", 12, 77, photo(2))
	carol := &tg.InputPeerUser{UserID: 5, AccessHash: 35}
	other := &tg.InputPeerUser{UserID: 6, AccessHash: 36}
	tests := []struct {
		name  string
		to    tg.InputPeerClass
		album []*types.Message
		want  error
	}{
		{"one item", carol, []*types.Message{a}, mtgo.ErrAlbumSize},
		{"a nil item", carol, []*types.Message{a, nil}, mtgo.ErrNotMediaGroup},
		{"the same item twice", carol, []*types.Message{a, a}, mtgo.ErrNotMediaGroup},
		{"another album", carol, []*types.Message{a, item("cx", 12, 78, photo(2))}, mtgo.ErrNotMediaGroup},
		{"another connection", carol, []*types.Message{a, item("cy", 12, 77, photo(2))}, mtgo.ErrNotMediaGroup},
		{"not a business message", carol, []*types.Message{a, item("", 12, 77, photo(2))}, mtgo.ErrNotMediaGroup},
		{"an item without media", carol, []*types.Message{a, item("cx", 12, 77, nil)}, mtgo.ErrForwardOption},
		{"into the album's chat", carol, []*types.Message{b, a}, errCaptured},
		{"elsewhere", other, []*types.Message{b, a}, errCaptured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			*sent = nil
			mu.Unlock()
			_, err := c.CopyBusinessMediaGroup(context.Background(), tt.to, tt.album, mtgo.WithParseMode(mtgo.ParseModeMarkdown))
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case tt.want != errCaptured:
				if len(*sent) != 0 {
					t.Fatalf("sent %+v before refusing", *sent)
				}
			case tt.to == carol:
				if len(*sent) != 1 || !cmp.Equal((*sent)[0], tl.Encoder(&tg.AccountGetBotBusinessConnectionRequest{ConnectionID: "cx"})) {
					t.Fatalf("sent %+v, want the connection asked for", *sent)
				}
			default:
				req, ok := (*sent)[0].(*tg.MessagesSendMultiMediaRequest)
				if len(*sent) != 1 || !ok {
					t.Fatalf("sent %+v, want one messages.sendMultiMedia", *sent)
				}
				var got []string
				for _, s := range req.MultiMedia {
					got = append(got, fmt.Sprint(s.Media.(*tg.InputMediaPhoto).ID.(*tg.InputPhoto).ID, s.Message, len(s.Entities)))
				}
				if diff := cmp.Diff([]string{"1**c**0", "2**c**0"}, got); diff != "" {
					t.Fatalf("items (-want +got):\n%s", diff)
				}
			}
		})
	}
}
