package types

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestBusinessCallbackQuery: updateBusinessBotCallbackQuery builds the same CallbackQuery as
// a plain press, with the connection on the query and on its messages, so that their edits
// go through the connection.
func TestBusinessCallbackQuery(t *testing.T) {
	e := NewEntities([]tg.UserClass{&tg.User{ID: 9, FirstName: tl.Some("Shop")}, &tg.User{ID: 5, FirstName: tl.Some("Carol")}}, nil)
	pick := &tg.Message{ID: 4, Out: true, PeerID: &tg.PeerUser{UserID: 5}, Message: "pick",
		ReplyTo: &tg.MessageReplyHeader{ReplyToMsgID: tl.Some[int32](3)}}
	hi := &tg.Message{ID: 3, PeerID: &tg.PeerUser{UserID: 5}, FromID: &tg.PeerUser{UserID: 5}, Message: "hi"}
	type view struct {
		ID, ChatInstance int64
		From, Chat       int64
		Conn, Data       string
		Msg              string
		MsgID            int
		MsgConn          string
		Out              bool
		Reply, ReplyConn string
		EditConn, Edit2  string
		Inline           bool
	}
	tests := []struct {
		name string
		u    *tg.UpdateBusinessBotCallbackQuery
		want view
	}{
		{
			name: "with the message replied to",
			u: &tg.UpdateBusinessBotCallbackQuery{QueryID: 7, UserID: 5, ConnectionID: "c1", Message: pick,
				ReplyToMessage: hi, ChatInstance: 11, Data: tl.Some([]byte("a"))},
			want: view{ID: 7, ChatInstance: 11, From: 5, Chat: 5, Conn: "c1", Data: "a", Msg: "pick", MsgID: 4,
				MsgConn: "c1", Out: true, Reply: "hi", ReplyConn: "c1", EditConn: "c1", Edit2: "mine"},
		},
		{
			name: "without it",
			u:    &tg.UpdateBusinessBotCallbackQuery{QueryID: 8, UserID: 5, ConnectionID: "c2", Message: pick, ChatInstance: 12},
			want: view{ID: 8, ChatInstance: 12, From: 5, Chat: 5, Conn: "c2", Msg: "pick", MsgID: 4, MsgConn: "c2",
				Out: true, EditConn: "c2", Edit2: "mine"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewCallbackQuery(nil, tt.u, e)
			if q == nil || q.Message == nil || q.Chat == nil || q.From == nil {
				t.Fatalf("query %+v", q)
			}
			m := q.Message
			got := view{
				ID: q.ID, ChatInstance: q.ChatInstance, From: q.From.ID, Chat: q.Chat.ID, Conn: q.BusinessConnectionID,
				Data: string(q.Data), Msg: m.Text, MsgID: m.ID, MsgConn: m.BusinessConnectionID, Out: m.Outgoing,
				Inline: q.InlineMessage != nil,
				// The connection goes first: an explicit one given by the caller wins.
				EditConn: option.CollectEdit(m.businessEditOpts(nil)).BusinessConnectionID,
				Edit2:    option.CollectEdit(m.businessEditOpts([]option.Edit{option.Business("mine")})).BusinessConnectionID,
			}
			if r := m.ReplyTo; r != nil && r.Message != nil {
				got.Reply, got.ReplyConn = r.Message.Text, r.Message.BusinessConnectionID
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("CallbackQuery (-want +got):\n%s", diff)
			}
			if q.Raw != tg.UpdateClass(tt.u) {
				t.Fatal("Raw is not the update")
			}
		})
	}
	if q := NewCallbackQuery(nil, (*tg.UpdateBusinessBotCallbackQuery)(nil), e); q != nil {
		t.Fatalf("nil update built %+v", q)
	}
	empty := NewCallbackQuery(nil, &tg.UpdateBusinessBotCallbackQuery{QueryID: 9, UserID: 5, ConnectionID: "c", Message: &tg.MessageEmpty{ID: 1}}, e)
	if empty == nil || empty.Message != nil || empty.Chat != nil || empty.BusinessConnectionID != "c" {
		t.Fatalf("query of an empty message %+v", empty)
	}
}
