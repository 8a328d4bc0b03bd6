package mtgo

import (
	"testing"
	"testing/synctest"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestStopRunsUpdatesQueuedBehindConversation: a chat's updates queued behind a handler
// waiting in a conversation count as handled (the handler released their batch), so Stop
// must not drop them nor run them once the client's context has ended: the conversation ends
// as the stop begins, and they run with a live context within the stop's grace. Before, the
// conversation ended only with the client's context, and the update behind it then ran with
// that context ended (or was dropped by the dispatcher's close).
func TestStopRunsUpdatesQueuedBehindConversation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newOfflineClient(t)
		type outcome struct {
			id      int
			convErr error
			live    bool
		}
		got := make(chan outcome, 2)
		c.OnMessage(func(ctx *Context, m *types.Message) error {
			if m.ID != 1 {
				got <- outcome{id: m.ID, live: ctx.Err() == nil}
				return nil
			}
			conv, err := ctx.Conversation()
			if err != nil {
				return err
			}
			_, err = conv.WaitMessage(ctx, func(c *Context) bool { return c.Message.Text == "yes" })
			got <- outcome{id: 1, convErr: err, live: ctx.Err() == nil}
			return nil
		})
		msg := func(id int32, text string) *tg.Updates {
			return &tg.Updates{
				Users:   []tg.UserClass{&tg.User{ID: 7, FirstName: tl.Some("u"), AccessHash: tl.Some(int64(1))}},
				Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: &tg.Message{ID: id, PeerID: &tg.PeerUser{UserID: 7}, Message: text}}},
			}
		}
		c.HandleUpdates(msg(1, "start"))
		synctest.Wait() // the handler waits in its conversation
		c.HandleUpdates(msg(2, "no"))
		synctest.Wait() // the conversation does not take it: it waits behind
		c.Stop()
		close(got)
		var res []outcome
		for o := range got {
			res = append(res, o)
		}
		if len(res) != 2 {
			t.Fatalf("handlers ran for %d messages, want 2: %+v", len(res), res)
		}
		if res[0].id != 1 || res[0].convErr != ErrClientClosed || !res[0].live {
			t.Errorf("conversation ended with %+v, want ErrClientClosed with the context live", res[0])
		}
		if res[1].id != 2 || !res[1].live {
			t.Errorf("message behind the conversation: %+v, want it handled with a live context", res[1])
		}
	})
}
