package peers

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestEntitiesForwards: Entities is tg.Entities, whose own tests (tl/tg/entities_test.go)
// compare the generated switch with the schema.
func TestEntitiesForwards(t *testing.T) {
	u := &tg.User{ID: 1}
	c := &tg.Channel{ID: 2}
	users, chats := Entities(&tg.MessagesMessagesClassBox{MessagesMessages: &tg.MessagesChannelMessages{
		Users: []tg.UserClass{u}, Chats: []tg.ChatClass{c}}})
	if diff := cmp.Diff([]tg.UserClass{u}, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]tg.ChatClass{c}, chats); diff != "" {
		t.Errorf("chats (-want +got):\n%s", diff)
	}
	if users, chats := Entities(&tg.UpdateShort{}); users != nil || chats != nil {
		t.Errorf("Entities(updateShort) = %v, %v", users, chats)
	}
}
