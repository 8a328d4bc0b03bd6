package mtgo_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func offlineClient(t *testing.T, workers int) *mtgo.Client {
	t.Helper()
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.Workers = workers
	// Without a server the update engine never runs; these tests drive the dispatcher alone.
	cfg.NoUpdates = true
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

// incoming builds an updates object with one new incoming message per (chat, id) pair.
func incoming(chat int64, ids ...int32) *tg.Updates {
	u := &tg.Updates{Users: []tg.UserClass{&tg.User{ID: chat, FirstName: tl.Some("u"), AccessHash: tl.Some(chat * 7)}}}
	for _, id := range ids {
		u.Updates = append(u.Updates, &tg.UpdateNewMessage{Message: &tg.Message{
			ID: id, PeerID: &tg.PeerUser{UserID: chat}, Date: 1700000000, Message: "m",
		}})
	}
	return u
}

func TestOnMessageOrderPerChatAndParallelChats(t *testing.T) {
	c := offlineClient(t, 4)
	var mu sync.Mutex
	seen := map[int64][]int{}
	bStarted := make(chan struct{})
	var once sync.Once
	done := make(chan struct{}, 64)
	c.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		if m.Chat.ID == 2 {
			once.Do(func() { close(bStarted) })
		}
		if m.Chat.ID == 1 && m.ID == 1 {
			// Chat 1 waits for chat 2 to start: they must run in parallel.
			select {
			case <-bStarted:
			case <-time.After(5 * time.Second):
				return errors.New("chat 2 did not run while chat 1 was busy")
			}
		}
		mu.Lock()
		seen[m.Chat.ID] = append(seen[m.Chat.ID], m.ID)
		mu.Unlock()
		done <- struct{}{}
		return nil
	})
	c.HandleUpdates(incoming(1, 1, 2, 3, 4, 5))
	c.HandleUpdates(incoming(2, 1, 2, 3))
	c.HandleUpdates(incoming(1, 6, 7))
	for range 10 {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("handlers did not run")
		}
	}
	if m, ok := c.CachedMessage(2, 3); !ok || m.ID != 3 || m.Chat.ID != 2 {
		t.Fatalf("CachedMessage(2, 3) = %+v, %v", m, ok)
	}
	if _, ok := c.CachedMessage(2, 99); ok {
		t.Fatal("CachedMessage found a message never seen")
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[int64][]int{1: {1, 2, 3, 4, 5, 6, 7}, 2: {1, 2, 3}}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Fatalf("handled (-want +got):\n%s", diff)
	}
}

func TestOnMessageHandlerFailuresDoNotStopOthers(t *testing.T) {
	c := offlineClient(t, 2)
	got := make(chan int, 16)
	failures := make(chan error, 16)
	c.OnError(func(_ *mtgo.Context, err error) { failures <- err })
	c.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		switch m.ID {
		case 1:
			panic("boom")
		case 2:
			return errors.New("failed")
		}
		return nil
	})
	c.AddHandler(mtgo.NewMessageHandler(func(ctx *mtgo.Context, m *types.Message) error {
		got <- m.ID
		return nil
	}), 1)
	c.HandleUpdates(incoming(5, 1, 2, 3))
	var ids []int
	for range 3 {
		select {
		case id := <-got:
			ids = append(ids, id)
		case <-time.After(5 * time.Second):
			t.Fatalf("second handler saw only %v", ids)
		}
	}
	if diff := cmp.Diff([]int{1, 2, 3}, ids); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	var p *mtgo.PanicError
	if err := <-failures; !errors.As(err, &p) || p.Value != "boom" || len(p.Stack) == 0 {
		t.Fatalf("first error = %v, want the recovered panic", err)
	}
	if err := <-failures; err == nil || err.Error() != "failed" {
		t.Fatalf("second error = %v, want the handler's", err)
	}
}

func TestOnMessageSkipsOutgoingAndServiceMessages(t *testing.T) {
	c := offlineClient(t, 1)
	got := make(chan *types.Message, 4)
	c.OnMessage(func(ctx *mtgo.Context, m *types.Message) error { got <- m; return nil })
	c.HandleUpdates(&tg.Updates{Updates: []tg.UpdateClass{
		&tg.UpdateNewMessage{Message: &tg.Message{Out: true, ID: 1, PeerID: &tg.PeerUser{UserID: 9}}},
		&tg.UpdateNewMessage{Message: &tg.MessageService{ID: 2, PeerID: &tg.PeerUser{UserID: 9}, Action: &tg.MessageActionEmpty{}}},
		&tg.UpdateNewChannelMessage{Message: &tg.Message{ID: 3, PeerID: &tg.PeerChannel{ChannelID: 10}, Message: "post"}},
	}})
	select {
	case m := <-got:
		if m.ID != 3 || m.Chat.Type != types.ChatChannel || m.Chat.ID != -1000000000010 || m.SenderChat == nil {
			t.Fatalf("delivered %+v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("channel post not delivered")
	}
	select {
	case m := <-got:
		t.Fatalf("unexpected delivery %+v", m)
	case <-time.After(50 * time.Millisecond):
	}
}

type recordingDispatcher struct{ got chan tg.UpdatesClass }

func (r *recordingDispatcher) Dispatch(u tg.UpdatesClass) { r.got <- u }

func TestSetDispatcherAndShortUpdates(t *testing.T) {
	c := offlineClient(t, 1)
	c.CachePeer(9, &tg.InputPeerUser{UserID: 9, AccessHash: 1})
	d := &recordingDispatcher{got: make(chan tg.UpdatesClass, 1)}
	c.SetDispatcher(d)
	c.HandleUpdates(&tg.UpdateShortMessage{ID: 4, UserID: 9, Message: "hi", Pts: 1, PtsCount: 1, Date: 5})
	u := (<-d.got).(*tg.Updates)
	nm := u.Updates[0].(*tg.UpdateNewMessage).Message.(*tg.Message)
	if nm.ID != 4 || nm.Message != "hi" || nm.PeerID.(*tg.PeerUser).UserID != 9 || nm.FromID.(*tg.PeerUser).UserID != 9 {
		t.Fatalf("expanded short message = %+v", nm)
	}
}
