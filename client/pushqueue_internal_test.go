package mtgo

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// heldManager is an UpdateManager whose input is held until release is closed: a message
// handler stuck while the server floods. It records what it was fed, a gap (Reconnected) as
// "gap".
type heldManager struct {
	release chan struct{}
	mu      sync.Mutex
	fed     []string
}

func (m *heldManager) note(s string) {
	m.mu.Lock()
	m.fed = append(m.fed, s)
	m.mu.Unlock()
}

func (m *heldManager) HandleUpdates(ctx context.Context, u tg.UpdatesClass) error {
	select {
	case <-m.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	m.note(pushName(u))
	return nil
}
func (m *heldManager) HandleSent(ctx context.Context, _ updates.Sent, u tg.UpdatesClass) error {
	return m.HandleUpdates(ctx, u)
}
func (m *heldManager) Reconnected(context.Context) error {
	m.note("gap")
	return nil
}
func (m *heldManager) Ready() <-chan struct{} { return nil }
func (m *heldManager) Start(context.Context, func(context.Context, tg.UpdatesClass) error, func(error)) error {
	return nil
}

// pushName names the pushes the tests below make: "msg N" for a message of the pts
// sequence, "cb N" for a button press, "typing" for a typing notice, or the updates of a
// container separated by commas.
func pushName(u tg.UpdatesClass) string {
	switch u := u.(type) {
	case *tg.UpdateShortMessage:
		return fmt.Sprintf("msg %d", u.ID)
	case *tg.UpdateShort:
		return updateName(u.Update)
	case *tg.Updates:
		s := ""
		for i, up := range u.Updates {
			if i > 0 {
				s += ","
			}
			s += updateName(up)
		}
		return fmt.Sprintf("seq %d: %s", u.Seq, s)
	}
	return fmt.Sprintf("%T", u)
}

func updateName(up tg.UpdateClass) string {
	switch up := up.(type) {
	case *tg.UpdateBotCallbackQuery:
		return fmt.Sprintf("cb %d", up.QueryID)
	case *tg.UpdateUserTyping:
		return "typing"
	case *tg.UpdateNewMessage:
		return fmt.Sprintf("msg %d", up.Message.(*tg.Message).ID)
	case *tg.UpdateNewChannelMessage:
		return fmt.Sprintf("channel msg %d", up.Message.(*tg.Message).ID)
	}
	return fmt.Sprintf("%T", up)
}

func encodePush(t *testing.T, u tg.UpdatesClass) []byte {
	t.Helper()
	var b tl.Buffer
	if err := u.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Buf
}

func shortMsg(id int32) *tg.UpdateShortMessage {
	return &tg.UpdateShortMessage{ID: id, UserID: 9, Message: "m", Pts: id, PtsCount: 1, Date: 5}
}

func callback(id int64) *tg.UpdateShort {
	return &tg.UpdateShort{Update: &tg.UpdateBotCallbackQuery{QueryID: id, UserID: 9, Peer: &tg.PeerUser{UserID: 9}}, Date: 5}
}

// TestPushQueueBoundedKeepsUnrecoverable: while the update engine takes nothing, a flood of
// pushes from connections that closed meanwhile (their context ended, as when a hook
// reconnects) neither grows the client's queue without bound nor loses an update: past the
// bound the messages of the pts sequence are dropped for one gap, at which the engine
// fetches the difference, and the button presses among them are all kept, in order. Before,
// the spill of closed connections' pushes held every one of them.
func TestPushQueueBoundedKeepsUnrecoverable(t *testing.T) {
	const (
		bound = 1024 // pushes held before messages of the pts sequence are dropped
		flood = 3 * bound
		every = 100 // one push in every is a button press
	)
	synctest.Test(t, func(t *testing.T) {
		m := &heldManager{release: make(chan struct{})}
		c := &Client{Log: newLogger(LogConfig{}), updates: m, life: t.Context()}
		_, cancel := context.WithCancelCause(t.Context())
		defer cancel(nil)
		c.updCancel = cancel // the engine counts as running
		h := pushHandler{c}.Bind()
		closed, end := context.WithCancel(t.Context())
		end() // the connection that pushed them has closed

		var want []string // what the engine must see, in order
		for i := range flood {
			var u tg.UpdatesClass = shortMsg(int32(i + 1))
			if i%every == 0 {
				u = callback(int64(i))
				want = append(want, fmt.Sprintf("cb %d", i))
			}
			if err := h.HandleUpdates(closed, encodePush(t, u)); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		close(m.release)
		synctest.Wait()
		c.wg.Wait()

		m.mu.Lock()
		defer m.mu.Unlock()
		var cbs []string
		msgs, gapAfter := 0, -1
		for i, s := range m.fed {
			switch {
			case s == "gap":
				gapAfter = i
			case s[:3] == "cb ":
				cbs = append(cbs, s)
			default:
				msgs++
			}
		}
		if diff := cmp.Diff(want, cbs); diff != "" {
			t.Errorf("button presses fed (-want +got):\n%s", diff)
		}
		if msgs > bound {
			t.Errorf("%d of %d messages held for the engine, want at most %d", msgs, flood-len(want), bound)
		}
		if gapAfter < 0 || gapAfter < msgs {
			t.Errorf("engine fed %d messages, gap at %d: want a gap after the messages kept", msgs, gapAfter)
		}
	})
}

// warnLog keeps the records at Warn and above, as "message key=value ...".
type warnLog struct {
	mu   sync.Mutex
	recs []string
}

func (w *warnLog) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (w *warnLog) WithAttrs([]slog.Attr) slog.Handler           { return w }
func (w *warnLog) WithGroup(string) slog.Handler                { return w }
func (w *warnLog) Handle(_ context.Context, r slog.Record) error {
	s := r.Message
	r.Attrs(func(a slog.Attr) bool {
		s += " " + a.String()
		return true
	})
	w.mu.Lock()
	w.recs = append(w.recs, s)
	w.mu.Unlock()
	return nil
}

// TestPushQueueHardBound: updates nothing brings back are kept past the queue's first bound,
// up to maxHeldPushes; beyond that they are dropped, and logged at Warn with their count, not
// silently. Typing notices are dropped at the first bound, messages of the pts sequence too
// (and fetched again).
func TestPushQueueHardBound(t *testing.T) {
	const extra = 10
	synctest.Test(t, func(t *testing.T) {
		m := &heldManager{release: make(chan struct{})}
		wl := &warnLog{}
		c := &Client{Log: newLogger(LogConfig{Handler: wl}), updates: m, life: t.Context()}
		h := pushHandler{c}.Bind()
		push := func(u tg.UpdatesClass) {
			if err := h.HandleUpdates(t.Context(), encodePush(t, u)); err != nil {
				t.Fatal(err)
			}
		}
		push(callback(0))
		synctest.Wait() // the engine holds it
		for i := range maxHeldPushes + extra {
			push(callback(int64(i + 1)))
			if i == maxQueuedPushes {
				push(&tg.UpdateShort{Update: &tg.UpdateUserTyping{UserID: 9, Action: &tg.SendMessageTypingAction{}}})
				push(shortMsg(1))
			}
		}
		close(m.release)
		synctest.Wait()
		c.wg.Wait()

		m.mu.Lock()
		fed := len(m.fed)
		for _, s := range m.fed {
			if s == "typing" || s == "msg 1" || s == "gap" {
				t.Errorf("fed %q past the first bound (the engine is not running: no gap either)", s)
			}
		}
		m.mu.Unlock()
		// One held by the engine, the queue full but for the gap mark (unused: the engine
		// does not run, its next run catches up anyway).
		if want := 1 + maxHeldPushes - 1; fed != want {
			t.Errorf("engine fed %d button presses, want %d", fed, want)
		}
		want := []string{
			fmt.Sprintf("update engine far behind: pushes beyond those queued are dropped, those with a pts or qts fetched again queued=%d", maxQueuedPushes),
			fmt.Sprintf("update engine was far behind: updates without a pts or qts dropped lost=%d refetched=1 skipped=1", extra+1),
		}
		wl.mu.Lock()
		defer wl.mu.Unlock()
		if diff := cmp.Diff(want, wl.recs); diff != "" {
			t.Errorf("log (-want +got):\n%s", diff)
		}
	})
}

// TestUnrecoverable: what a full push queue keeps of each kind of push. A container keeps
// its seq and its users and chats, without the updates of the account's sequences (fetched
// again) and typing; a channel's updates stay, the account's difference does not bring them.
func TestUnrecoverable(t *testing.T) {
	newMsg := &tg.UpdateNewMessage{Message: &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 9}}, Pts: 5, PtsCount: 1}
	chanMsg := &tg.UpdateNewChannelMessage{Message: &tg.Message{ID: 2, PeerID: &tg.PeerChannel{ChannelID: 3}}, Pts: 7, PtsCount: 1}
	cb := &tg.UpdateBotCallbackQuery{QueryID: 4, Peer: &tg.PeerUser{UserID: 9}}
	typing := &tg.UpdateUserTyping{UserID: 9, Action: &tg.SendMessageTypingAction{}}
	users := []tg.UserClass{&tg.User{ID: 9}}
	tests := []struct {
		name               string
		in                 tg.UpdatesClass
		want               string // pushName of what is kept, "" for nothing
		refetched, skipped int
	}{
		{"short message", shortMsg(1), "", 1, 0},
		{"too long", &tg.UpdatesTooLong{}, "", 1, 0},
		{"short callback", callback(4), "cb 4", 0, 0},
		{"short typing", &tg.UpdateShort{Update: typing}, "", 0, 1},
		{"short pts", &tg.UpdateShort{Update: newMsg}, "", 1, 0},
		{"container all kept", &tg.Updates{Updates: []tg.UpdateClass{cb, chanMsg}, Seq: 3}, "seq 3: cb 4,channel msg 2", 0, 0},
		{"container split", &tg.Updates{Updates: []tg.UpdateClass{newMsg, cb, typing, chanMsg}, Users: users, Seq: 3}, "seq 3: cb 4,channel msg 2", 1, 1},
		{"container all dropped", &tg.Updates{Updates: []tg.UpdateClass{newMsg, typing}, Seq: 3}, "", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, r, s := unrecoverable(tt.in)
			got := ""
			if kept != nil {
				got = pushName(kept)
			}
			if got != tt.want || r != tt.refetched || s != tt.skipped {
				t.Errorf("kept %q, refetched %d, skipped %d; want %q, %d, %d", got, r, s, tt.want, tt.refetched, tt.skipped)
			}
			if u, ok := kept.(*tg.Updates); ok && tt.name == "container split" && len(u.Users) != 1 {
				t.Errorf("container kept without its users")
			}
		})
	}
	if u := tests[6].in.(*tg.Updates); len(u.Updates) != 4 {
		t.Errorf("the pushed container was changed: %d updates left", len(u.Updates))
	}
}

// TestPushDoesNotWaitForEngine: a push is queued by the client without waiting for the update
// engine, so the session's own queue, which drops beyond 1024 pushes (and a dropped button
// press or inline query no difference brings back), stays empty however long a handler holds
// the engine. Before, a push waited for room in the engine's input (64), and the session's
// queue filled behind it.
func TestPushDoesNotWaitForEngine(t *testing.T) {
	const pushes = 200
	synctest.Test(t, func(t *testing.T) {
		m := &heldManager{release: make(chan struct{})}
		c := &Client{Log: newLogger(LogConfig{}), updates: m, life: t.Context()}
		h := pushHandler{c}.Bind()
		returned := make(chan int, 1)
		go func() {
			for i := range pushes {
				if err := h.HandleUpdates(t.Context(), encodePush(t, callback(int64(i)))); err != nil {
					t.Error(err)
				}
			}
			returned <- pushes
		}()
		synctest.Wait()
		select {
		case <-returned:
		default:
			t.Error("a push waits for the update engine, which a handler holds")
		}
		close(m.release)
		synctest.Wait()
		c.wg.Wait()
		m.mu.Lock()
		defer m.mu.Unlock()
		if len(m.fed) != pushes {
			t.Errorf("engine fed %d pushes, want %d", len(m.fed), pushes)
		}
	})
}
