package world

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func newWorld(t testing.TB, cfg Config) *World {
	t.Helper()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cfg.Now = func() time.Time { return now }
	cfg.Rand = crypto.NewDeterministicReader(1)
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestNewRequiresClockAndRand(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without a clock succeeded")
	}
	if _, err := New(Config{Now: time.Now}); err == nil {
		t.Fatal("New without randomness succeeded")
	}
}

func TestCreateValidation(t *testing.T) {
	w := newWorld(t, Config{})
	if _, err := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001", Username: "alice"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		err  error
		want *RPCError
	}{
		{"no name", func() error { _, err := w.CreateUser(UserSpec{Phone: "70000000002"}); return err }(), ErrFirstNameInvalid},
		{"bad phone", func() error { _, err := w.CreateUser(UserSpec{FirstName: "B", Phone: "+7"}); return err }(), ErrPhoneNumberInvalid},
		{"phone taken", func() error { _, err := w.CreateUser(UserSpec{FirstName: "B", Phone: "70000000001"}); return err }(), ErrPhoneNumberOccupied},
		{"username taken (case-insensitive)", func() error {
			_, err := w.CreateUser(UserSpec{FirstName: "B", Phone: "70000000003", Username: "ALICE"})
			return err
		}(), ErrUsernameOccupied},
		{"username too short", func() error { _, err := w.CreateBot(BotSpec{FirstName: "B", Username: "ab"}); return err }(), ErrUsernameInvalid},
		{"bot without username", func() error { _, err := w.CreateBot(BotSpec{FirstName: "B"}); return err }(), ErrUsernameInvalid},
		{"chat with unknown member", func() error { _, err := w.CreateChat(1000001, "t", 42); return err }(), ErrUserIDInvalid},
		{"channel with empty title", func() error { _, err := w.CreateChannel(1000001, ChannelSpec{}); return err }(), rpcErr(400, "CHAT_TITLE_EMPTY")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.want) {
				t.Fatalf("error = %v, want %v", tt.err, tt.want)
			}
		})
	}
}

func TestSubscriptionLifecycle(t *testing.T) {
	w := newWorld(t, Config{MaxQueued: 2})
	a, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	b, _ := w.CreateUser(UserSpec{FirstName: "B", Phone: "70000000002", Username: "bobby"})
	ka, kb := KeyID{1}, KeyID{2}
	if err := w.Authorize(ka, a.ID); err != nil {
		t.Fatal(err)
	}
	// Subscribed before login: nothing flows until the key signs in.
	sub := w.Subscribe(kb)
	second := w.Subscribe(kb)
	send := func() {
		t.Helper()
		res, err := w.ResolveUsername(ka, "bobby")
		if err != nil {
			t.Fatal(err)
		}
		u := res.Users[0].(*tg.User)
		if _, err := w.SendMessage(ka, &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}, Draft{Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	send()
	if got := sub.Take(); got != nil {
		t.Fatalf("unauthorized key got %v", got)
	}
	if err := w.Authorize(kb, b.ID); err != nil {
		t.Fatal(err)
	}
	send()
	select {
	case <-sub.Ready():
	default:
		t.Fatal("Ready did not fire")
	}
	if got := sub.Take(); len(got) != 1 {
		t.Fatalf("got %d updates", len(got))
	}
	if got := second.Take(); len(got) != 1 {
		t.Fatalf("second subscription got %d updates", len(got))
	}
	// Queue cap: an update that finds MaxQueued waiting turns the queue into one
	// updatesTooLong; the dropped ones are counted and later updates queue behind it.
	for range 4 {
		send()
	}
	got := sub.Take()
	if len(got) != 2 || sub.Dropped() != 3 {
		t.Fatalf("queued %d, dropped %d; want 2 and 3", len(got), sub.Dropped())
	}
	if _, ok := got[0].(*tg.UpdatesTooLong); !ok {
		t.Fatalf("first queued after overflow is %T, want *tg.UpdatesTooLong", got[0])
	}
	// Closed subscriptions receive nothing; Close twice is harmless.
	sub.Close()
	sub.Close()
	send()
	if got := sub.Take(); got != nil {
		t.Fatalf("closed subscription got %v", got)
	}
	// Log out stops the flow for the key.
	second.Take()
	if err := w.LogOut(kb); err != nil {
		t.Fatal(err)
	}
	send()
	if got := second.Take(); got != nil {
		t.Fatalf("logged-out key got %v", got)
	}
}

// TestConcurrentSends runs many senders at once (meaningful under -race) and checks that
// every recipient's pts is gapless: the world's lock keeps fan-out ordered.
func TestConcurrentSends(t *testing.T) {
	w := newWorld(t, Config{MaxQueued: 100000})
	hub, _ := w.CreateUser(UserSpec{FirstName: "Hub", Phone: "70000000000", Username: "the_hub"})
	hubKey := KeyID{0xff}
	_ = w.Authorize(hubKey, hub.ID)
	sub := w.Subscribe(hubKey)
	defer sub.Close()
	const senders, each = 8, 50
	var wg sync.WaitGroup
	for i := range senders {
		u, err := w.CreateUser(UserSpec{FirstName: "S", Phone: fmt.Sprintf("7100000000%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		key := KeyID{byte(i + 1)}
		_ = w.Authorize(key, u.ID)
		res, err := w.ResolveUsername(key, "the_hub")
		if err != nil {
			t.Fatal(err)
		}
		hu := res.Users[0].(*tg.User)
		peer := &tg.InputPeerUser{UserID: hu.ID, AccessHash: hu.AccessHash.Value}
		wg.Go(func() {
			for j := range each {
				if _, err := w.SendMessage(key, peer, Draft{Text: "m", RandomID: int64(j + 1)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got := sub.Take()
	if len(got) != senders*each {
		t.Fatalf("hub got %d updates, want %d", len(got), senders*each)
	}
	var pts []int32
	for _, u := range got {
		pts = append(pts, u.(*tg.UpdateShortMessage).Pts)
	}
	want := make([]int32, senders*each)
	for i := range want {
		want[i] = int32(i + 1)
	}
	if diff := cmp.Diff(want, pts); diff != "" {
		t.Fatalf("pts sequence (-want +got):\n%s", diff)
	}
}

func TestEventLogTrimming(t *testing.T) {
	var l eventLog
	for i := range 10 {
		l.append(event{pts: int32(i + 1), count: 1}, 3)
	}
	if len(l.events) > 6 {
		t.Fatalf("log kept %d events, cap 2*3", len(l.events))
	}
	if _, ok := l.since(1); ok {
		t.Fatal("since(1) claims the trimmed log still reaches back")
	}
	evs, ok := l.since(8)
	if !ok || len(evs) != 2 {
		t.Fatalf("since(8) = %d events, ok %v", len(evs), ok)
	}
}

func TestBoxEviction(t *testing.T) {
	w := newWorld(t, Config{MaxBoxMessages: 3})
	a, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	b, _ := w.CreateUser(UserSpec{FirstName: "B", Phone: "70000000002", Username: "bobby"})
	ka := KeyID{1}
	_ = w.Authorize(ka, a.ID)
	res, _ := w.ResolveUsername(ka, "bobby")
	u := res.Users[0].(*tg.User)
	peer := &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
	for i := range 5 {
		if _, err := w.SendMessage(ka, peer, Draft{Text: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	hist, err := w.History(ka, peer, HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int32
	for _, m := range hist.(*tg.MessagesMessages).Messages {
		ids = append(ids, m.(*tg.Message).ID)
	}
	if diff := cmp.Diff([]int32{5, 4, 3}, ids); diff != "" {
		t.Fatalf("kept ids (-want +got):\n%s", diff)
	}
	if len(w.copies) != 3 {
		t.Fatalf("copies index holds %d logical messages, want 3", len(w.copies))
	}
	_ = b
}

func TestUserOnlyMethodsRejectBots(t *testing.T) {
	w := newWorld(t, Config{})
	bot, err := w.CreateBot(BotSpec{FirstName: "B", Username: "helper_bot"})
	if err != nil {
		t.Fatal(err)
	}
	person, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	kb, kp := KeyID{1}, KeyID{2}
	for key, id := range map[KeyID]int64{kb: bot.ID, kp: person.ID} {
		if err := w.Authorize(key, id); err != nil {
			t.Fatal(err)
		}
	}
	peer := &tg.InputPeerSelf{}
	tests := []struct {
		name string
		key  KeyID
		call func(KeyID) error
		want error
	}{
		{"bot history", kb, func(k KeyID) error { _, err := w.History(k, peer, HistoryQuery{Limit: 10}); return err }, ErrBotMethodInvalid},
		{"bot dialogs", kb, func(k KeyID) error { _, err := w.Dialogs(k, DialogsQuery{Limit: 10}); return err }, ErrBotMethodInvalid},
		{"person history", kp, func(k KeyID) error { _, err := w.History(k, peer, HistoryQuery{Limit: 10}); return err }, nil},
		{"person dialogs", kp, func(k KeyID) error { _, err := w.Dialogs(k, DialogsQuery{Limit: 10}); return err }, nil},
		{"unknown key", KeyID{9}, func(k KeyID) error { _, err := w.Dialogs(k, DialogsQuery{Limit: 10}); return err }, ErrAuthKeyUnregistered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(tt.key)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestMentionEntities(t *testing.T) {
	w := newWorld(t, Config{})
	alice, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	bob, _ := w.CreateUser(UserSpec{FirstName: "B", Phone: "70000000002"})
	ka := KeyID{1}
	if err := w.Authorize(ka, alice.ID); err != nil {
		t.Fatal(err)
	}
	toBob := &tg.InputPeerUser{UserID: bob.ID, AccessHash: w.accessHash(alice.ID, PeerUser, bob.ID)}
	goodUser := &tg.InputUser{UserID: bob.ID, AccessHash: w.accessHash(alice.ID, PeerUser, bob.ID)}
	tests := []struct {
		name string
		in   []tg.MessageEntityClass
		want []tg.MessageEntityClass
		err  error
	}{
		{"input mention stored as mention", []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 0, Length: 1},
			&tg.InputMessageEntityMentionName{Offset: 2, Length: 3, UserID: goodUser},
		}, []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 0, Length: 1},
			&tg.MessageEntityMentionName{Offset: 2, Length: 3, UserID: bob.ID},
		}, nil},
		{"output mention sent as is is dropped", []tg.MessageEntityClass{
			&tg.MessageEntityMentionName{Offset: 2, Length: 3, UserID: bob.ID},
		}, nil, nil},
		{"wrong access hash", []tg.MessageEntityClass{
			&tg.InputMessageEntityMentionName{Offset: 2, Length: 3, UserID: &tg.InputUser{UserID: bob.ID, AccessHash: 1}},
		}, nil, ErrEntityMentionUserInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := w.SendMessage(ka, toBob, Draft{Text: "x Bob", Entities: tt.in})
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var id int32
			switch r := res.(type) {
			case *tg.UpdateShortSentMessage:
				id = r.ID
			default:
				t.Fatalf("answer %T", res)
			}
			h, err := w.History(ka, toBob, HistoryQuery{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			var msgs []tg.MessageClass
			switch h := h.(type) {
			case *tg.MessagesMessages:
				msgs = h.Messages
			case *tg.MessagesMessagesSlice:
				msgs = h.Messages
			}
			m := msgs[0].(*tg.Message)
			if m.ID != id {
				t.Fatalf("newest message %d, sent %d", m.ID, id)
			}
			if diff := cmp.Diff(tt.want, m.Entities); diff != "" {
				t.Fatalf("stored entities (-want +got):\n%s", diff)
			}
		})
	}
}
