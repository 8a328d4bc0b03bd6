package types

import (
	"fmt"

	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestBusinessConstructors(t *testing.T) {
	e := NewEntities([]tg.UserClass{&tg.User{ID: 9, FirstName: tl.Some("Shop")}, &tg.User{ID: 5, FirstName: tl.Some("Carol")}}, nil)
	tests := []struct {
		name   string
		u      tg.UpdateClass
		conn   string // BusinessConnection: "id user enabled reply"
		rights BusinessBotRights
		msg    string // business message: "connection text"
		del    string // deleted: "connection chat ids"
	}{
		{name: "connect", u: &tg.UpdateBotBusinessConnect{Connection: tg.BotBusinessConnection{ConnectionID: "a", UserID: 9, Rights: &tg.BusinessBotRights{Reply: true, EditBio: true}}},
			conn: "a 9 true true", rights: BusinessBotRights{Reply: true, EditBio: true}},
		{name: "disconnect, unknown user, no rights", u: &tg.UpdateBotBusinessConnect{Connection: tg.BotBusinessConnection{ConnectionID: "a", UserID: 7, Disabled: true}},
			conn: "a 7 false false"},
		{name: "new", u: &tg.UpdateBotNewBusinessMessage{ConnectionID: "a", Message: &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Message: "hi"}}, msg: "a hi"},
		{name: "edit", u: &tg.UpdateBotEditBusinessMessage{ConnectionID: "b", Message: &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Message: "hi!"}}, msg: "b hi!"},
		{name: "new reply", u: &tg.UpdateBotNewBusinessMessage{ConnectionID: "a",
			Message:        &tg.Message{ID: 2, PeerID: &tg.PeerUser{UserID: 5}, Message: "yes", ReplyTo: &tg.MessageReplyHeader{ReplyToMsgID: tl.Some[int32](1)}},
			ReplyToMessage: &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Message: "ok?"}}, msg: "a yes 1 ok? a"},
		{name: "edited reply, replied message empty", u: &tg.UpdateBotEditBusinessMessage{ConnectionID: "a",
			Message:        &tg.Message{ID: 2, PeerID: &tg.PeerUser{UserID: 5}, Message: "yes", ReplyTo: &tg.MessageReplyHeader{ReplyToMsgID: tl.Some[int32](1)}},
			ReplyToMessage: &tg.MessageEmpty{ID: 1}}, msg: "a yes 1"},
		{name: "empty message", u: &tg.UpdateBotNewBusinessMessage{ConnectionID: "a", Message: &tg.MessageEmpty{ID: 1}}},
		{name: "nil message", u: &tg.UpdateBotNewBusinessMessage{ConnectionID: "a"}},
		{name: "deleted", u: &tg.UpdateBotDeleteBusinessMessage{ConnectionID: "a", Peer: &tg.PeerUser{UserID: 5}, Messages: []int32{3, 4}}, del: "a 5 [3 4]"},
		{name: "other update", u: &tg.UpdateNewMessage{Message: &tg.Message{ID: 1}}},
		{name: "typed nils", u: (*tg.UpdateBotBusinessConnect)(nil)},
		{name: "typed nil delete", u: (*tg.UpdateBotDeleteBusinessMessage)(nil)},
		{name: "typed nil new", u: (*tg.UpdateBotNewBusinessMessage)(nil)},
		{name: "typed nil edit", u: (*tg.UpdateBotEditBusinessMessage)(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var conn, msg, del string
			if c := NewBusinessConnection(tt.u, e); c != nil {
				conn = fmtAll(c.ID, c.User.ID, c.Enabled, c.CanReply)
				if diff := cmp.Diff(tt.rights, c.Rights); diff != "" {
					t.Errorf("Rights (-want +got):\n%s", diff)
				}
			}
			if m := NewBusinessMessage(nil, tt.u, e); m != nil {
				msg = fmtAll(m.BusinessConnectionID, m.Text)
				if m.ReplyTo != nil {
					msg += " " + fmtAll(m.ReplyTo.MessageID)
					if r := m.ReplyTo.Message; r != nil {
						msg += " " + fmtAll(r.Text, r.BusinessConnectionID)
					}
				}
			}
			if d := NewDeletedBusinessMessages(tt.u, e); d != nil {
				del = fmtAll(d.ConnectionID, d.Chat.ID, d.IDs)
			}
			if diff := cmp.Diff([]string{tt.conn, tt.msg, tt.del}, []string{conn, msg, del}); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func fmtAll(v ...any) string {
	s := fmt.Sprintln(v...)
	return s[:len(s)-1]
}

func TestBusinessOpts(t *testing.T) {
	silent := option.SendFunc(func(p *option.SendParams) { p.Silent = true })
	override := option.SendFunc(func(p *option.SendParams) { p.BusinessConnectionID = "mine" })
	tests := []struct {
		name string
		conn string
		opts []option.Send
		want string
		mute bool
	}{
		{name: "plain message", opts: []option.Send{silent}, mute: true},
		{name: "business message", conn: "c1", opts: []option.Send{silent}, want: "c1", mute: true},
		{name: "explicit connection wins", conn: "c1", opts: []option.Send{override}, want: "mine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Message{BusinessConnectionID: tt.conn}
			p := option.CollectSend(m.businessOpts(tt.opts))
			if p.BusinessConnectionID != tt.want || p.Silent != tt.mute {
				t.Fatalf("params %+v, want connection %q", p, tt.want)
			}
		})
	}
}

// TestBusinessOptions: the exported forms lead with the connection (an explicit one later
// wins) and leave the options alone without one.
func TestBusinessOptions(t *testing.T) {
	silent := option.SendFunc(func(p *option.SendParams) { p.Silent = true })
	if got := BusinessSendOptions("", []option.Send{silent}); len(got) != 1 {
		t.Fatalf("no connection: %d options, want 1", len(got))
	}
	if p := option.CollectSend(BusinessSendOptions("c1", []option.Send{silent})); p.BusinessConnectionID != "c1" || !p.Silent {
		t.Fatalf("send params %+v", p)
	}
	if p := option.CollectEdit(BusinessEditOptions("c1", []option.Edit{option.Business("mine")})); p.BusinessConnectionID != "mine" {
		t.Fatalf("edit params %+v, want the explicit connection", p)
	}
	if p := option.CollectEdit(BusinessEditOptions("c1", nil)); p.BusinessConnectionID != "c1" {
		t.Fatalf("edit params %+v", p)
	}
}
