package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// collect drains a listing.
func collect(seq iter.Seq2[*types.Message, error]) ([]*types.Message, error) {
	var out []*types.Message
	for m, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
	return out, nil
}

// texts returns the texts of msgs.
func texts(msgs []*types.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return out
}

// numbered returns "<prefix> <i>" for i from hi down to lo (newest first).
func numbered(prefix string, hi, lo int) []string {
	var out []string
	for i := hi; i >= lo; i-- {
		out = append(out, fmt.Sprintf("%s %d", prefix, i))
	}
	return out
}

// countCalls counts the client's requests of one method.
func countCalls(c *testClient, method uint32) *atomic.Int32 {
	var n atomic.Int32
	c.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
			if o, ok := in.(interface{ TypeID() uint32 }); ok && o.TypeID() == method {
				n.Add(1)
			}
			return next.Invoke(ctx, in, out)
		})
	})
	return &n
}

// historyMessages is how many messages the history tests send: more than two server pages.
const historyMessages = 230

// twoPeople logs in two people, alice sends historyMessages numbered messages to bob ("msg
// 1" ... ; every tenth also says "needle"), and returns both clients.
func twoPeople(t *testing.T, phone string) (alice, bob *testClient) {
	t.Helper()
	cl := cluster(t)
	alice, _ = e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Username: "alice" + phone, Phone: "1555" + phone + "1"})
	bob, _ = e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Username: "bob" + phone, Phone: "1555" + phone + "2"})
	for i := 1; i <= historyMessages; i++ {
		text := fmt.Sprintf("msg %d", i)
		if i%10 == 0 {
			text += " needle"
		}
		if _, err := alice.SendMessage(ctxT(t), "@bob"+phone, text); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	return alice, bob
}

func TestE2EChatHistory(t *testing.T) {
	alice, bob := twoPeople(t, "7101")
	pages := countCalls(alice, tg.MessagesGetHistoryRequestTypeID)
	all := numbered("msg", historyMessages, 1)
	for i := range all {
		if (historyMessages-i)%10 == 0 {
			all[i] += " needle"
		}
	}
	full, err := collect(alice.GetChatHistory(ctxT(t), "@bob7101"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, texts(full)); diff != "" {
		t.Fatalf("alice's history (-want +got):\n%s", diff)
	}
	if n := pages.Load(); n != 3 {
		t.Fatalf("%d getHistory requests for %d messages, want 3 pages of 100", n, historyMessages)
	}
	mid := full[100].ID // "msg 130"

	tests := []struct {
		name  string
		opts  []mtgo.HistoryOption
		want  []string
		calls int32
	}{
		{"limit", []mtgo.HistoryOption{mtgo.WithLimit(150)}, all[:150], 2},
		{"small pages", []mtgo.HistoryOption{mtgo.WithLimit(20), mtgo.WithPageSize(7)}, all[:20], 3},
		{"offset id", []mtgo.HistoryOption{mtgo.WithOffsetID(mid), mtgo.WithLimit(3)}, all[101:104], 1},
		{"id range", []mtgo.HistoryOption{mtgo.WithIDRange(mid-3, mid+1)}, all[100:103], 1},
		{"future offset date", []mtgo.HistoryOption{mtgo.WithOffsetDate(time.Now().Add(time.Hour)), mtgo.WithLimit(2)}, all[:2], 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := pages.Load()
			got, err := collect(alice.GetChatHistory(ctxT(t), "@bob7101", tt.opts...))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, texts(got)); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
			if n := pages.Load() - before; n != tt.calls {
				t.Errorf("%d requests, want %d", n, tt.calls)
			}
		})
	}

	t.Run("both sides", func(t *testing.T) {
		got, err := collect(bob.GetChatHistory(ctxT(t), "@alice7101"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(all, texts(got)); diff != "" {
			t.Fatalf("bob's history (-want +got):\n%s", diff)
		}
		for _, m := range got[:3] {
			if m.Outgoing || m.From == nil || m.From.Username != "alice7101" {
				t.Fatalf("bob's message %+v: want incoming from alice", m)
			}
		}
		n, err := bob.GetChatHistoryCount(ctxT(t), "@alice7101")
		if err != nil || n != historyMessages {
			t.Fatalf("count = %d, %v", n, err)
		}
	})

	t.Run("break", func(t *testing.T) {
		before := pages.Load()
		seen := 0
		for _, err := range alice.GetChatHistory(ctxT(t), "@bob7101") {
			if err != nil {
				t.Fatal(err)
			}
			if seen++; seen == 5 {
				break
			}
		}
		if n := pages.Load() - before; n != 1 {
			t.Fatalf("%d requests for a loop broken after 5 messages", n)
		}
	})
}

func TestE2EChatHistoryErrors(t *testing.T) {
	cl := cluster(t)
	alice, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Phone: "155571021"})
	_, _ = e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Username: "bob7102", Phone: "155571022"})
	for i := range 12 {
		if _, err := alice.SendMessage(ctxT(t), "@bob7102", fmt.Sprint("m", i)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		wait     int // FLOOD_WAIT seconds injected before the second page
		wantN    int
		wantWait time.Duration
	}{
		{"long flood wait ends the listing", 60, 5, time.Minute},
		{"short flood wait is slept through", 1, 12, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			var fail error
			for _, err := range alice.GetChatHistory(ctxT(t), "@bob7102", mtgo.WithPageSize(5)) {
				if err != nil {
					fail = err
					break
				}
				if n++; n == 1 {
					cl.Faults().FloodWait(tg.MessagesGetHistoryRequestTypeID, tt.wait, 1)
				}
			}
			var fw *mtgo.FloodWaitError
			switch {
			case n != tt.wantN:
				t.Fatalf("%d messages before the end, want %d (err %v)", n, tt.wantN, fail)
			case tt.wantWait != 0 && (!errors.As(fail, &fw) || fw.Wait != tt.wantWait):
				t.Fatalf("err = %v, want a FloodWaitError of %v", fail, tt.wantWait)
			case tt.wantWait == 0 && fail != nil:
				t.Fatalf("err = %v", fail)
			}
		})
	}
	if _, err := collect(alice.GetChatHistory(ctxT(t), "@nobody_here_7102")); err == nil {
		t.Fatal("history of an unknown username: no error")
	}
}

func TestE2ESearchMessages(t *testing.T) {
	alice, bob := twoPeople(t, "7103")
	url := "see https://example.org"
	sent, err := alice.SendMessage(ctxT(t), "@bob7103", url, mtgo.WithEntities([]tg.MessageEntityClass{&tg.MessageEntityURL{Offset: 4, Length: 19}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bob.SendMessage(ctxT(t), "@alice7103", "bob says needle"); err != nil {
		t.Fatal(err)
	}
	if err := alice.PinChatMessage(ctxT(t), "@bob7103", sent.ID); err != nil {
		t.Fatal(err)
	}
	var needles []string
	for i := historyMessages; i >= 10; i -= 10 {
		needles = append(needles, fmt.Sprintf("msg %d needle", i))
	}
	hour := time.Hour
	tests := []struct {
		name  string
		query string
		opts  []mtgo.HistoryOption
		want  []string
	}{
		{"text", "NEEDLE", nil, append([]string{"bob says needle"}, needles...)},
		{"sender", "needle", []mtgo.HistoryOption{mtgo.WithFrom("@alice7103")}, needles},
		{"sender and limit across pages", "needle", []mtgo.HistoryOption{mtgo.WithFrom("@alice7103"), mtgo.WithPageSize(4), mtgo.WithLimit(9)}, needles[:9]},
		{"url filter", "", []mtgo.HistoryOption{mtgo.WithFilter(mtgo.FilterURL)}, []string{url}},
		{"pinned filter", "", []mtgo.HistoryOption{mtgo.WithFilter(mtgo.FilterPinned)}, []string{url}},
		{"photo filter", "", []mtgo.HistoryOption{mtgo.WithFilter(mtgo.FilterPhoto)}, nil},
		{"dates around now", "needle", []mtgo.HistoryOption{mtgo.WithFrom("@alice7103"), mtgo.WithDateRange(time.Now().Add(-hour), time.Now().Add(hour))}, needles},
		{"dates in the past", "needle", []mtgo.HistoryOption{mtgo.WithDateRange(time.Now().Add(-2*hour), time.Now().Add(-hour))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for who, c := range map[string]*testClient{"alice": alice, "bob": bob} {
				chat := "@bob7103"
				if who == "bob" {
					chat = "@alice7103"
				}
				got, err := collect(c.SearchMessages(ctxT(t), chat, tt.query, tt.opts...))
				if err != nil {
					t.Fatalf("%s: %v", who, err)
				}
				if diff := cmp.Diff(tt.want, texts(got)); diff != "" {
					t.Errorf("%s's search (-want +got):\n%s", who, diff)
				}
			}
		})
	}
	n, err := bob.SearchMessagesCount(ctxT(t), "@alice7103", "needle")
	if err != nil || n != len(needles)+1 {
		t.Fatalf("SearchMessagesCount = %d, %v; want %d", n, err, len(needles)+1)
	}
}

func TestE2ESearchGlobal(t *testing.T) {
	cl := cluster(t)
	alice, a := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Username: "alice7104", Phone: "155571041"})
	bob, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Username: "bob7104", Phone: "155571042"})
	carol, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Carol", Username: "carol7104", Phone: "155571043"})
	if _, err := cl.World().CreateChannel(a.ID, world.ChannelSpec{Title: "News", Username: "news7104"}); err != nil {
		t.Fatal(err)
	}
	var want []string
	send := func(c *testClient, to, text string) {
		t.Helper()
		if _, err := c.SendMessage(ctxT(t), to, text); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text, "hay") {
			want = append([]string{text}, want...)
		}
	}
	for i := range 9 {
		send(alice, "@bob7104", fmt.Sprint("hay to bob ", i))
		send(carol, "@alice7104", fmt.Sprint("hay from carol ", i))
		send(alice, "@news7104", fmt.Sprint("hay news ", i))
		send(bob, "@alice7104", fmt.Sprint("straw ", i))
	}
	got, err := collect(alice.SearchGlobal(ctxT(t), "hay", mtgo.WithPageSize(4)))
	if err != nil {
		t.Fatal(err)
	}
	// Messages sent in the same second come newest first within each chat; compare as sets
	// in order of date then by content.
	if diff := cmp.Diff(slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(texts(got)))); diff != "" || len(got) != 27 {
		t.Fatalf("global search (-want +got):\n%s", diff)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Date.After(got[i-1].Date) {
			t.Fatalf("%q after %q is newer", got[i].Text, got[i-1].Text)
		}
	}
	n, err := alice.SearchGlobalCount(ctxT(t), "hay")
	if err != nil || n != 27 {
		t.Fatalf("SearchGlobalCount = %d, %v", n, err)
	}
	limited, err := collect(alice.SearchGlobal(ctxT(t), "hay", mtgo.WithChannelsOnly(), mtgo.WithLimit(5), mtgo.WithPageSize(2)))
	if err != nil || len(limited) != 5 {
		t.Fatalf("channels only: %d, %v", len(limited), err)
	}
	for _, m := range limited {
		if !strings.HasPrefix(m.Text, "hay news") {
			t.Fatalf("channels only returned %q", m.Text)
		}
	}
	if _, err := collect(alice.SearchGlobal(ctxT(t), "")); err == nil || !strings.Contains(err.Error(), "SEARCH_QUERY_EMPTY") {
		t.Fatalf("empty global search: %v", err)
	}
}

// TestListingEndsOnARepeatingServer: a server answering every page with the same full page
// (a broken or hostile one) ends the listing after the second page instead of looping; a
// page of messageEmpty entries ends it at once.
func TestListingEndsOnARepeatingServer(t *testing.T) {
	full := make([]tg.MessageClass, 100)
	for i := range full {
		full[i] = &tg.Message{ID: int32(500 - i), PeerID: &tg.PeerUser{UserID: 7}, Message: "same"}
	}
	empty := make([]tg.MessageClass, 100)
	for i := range empty {
		empty[i] = &tg.MessageEmpty{}
	}
	tests := []struct {
		name      string
		page      []tg.MessageClass
		wantMsgs  int
		wantCalls int32
	}{
		{"same page again", full, 200, 2},
		{"empty messages", empty, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newHarness(t).client()
			var calls atomic.Int32
			c.UseInvokerMiddleware(func(tg.Invoker) tg.Invoker {
				return mtgo.InvokerFunc(func(_ context.Context, _ tl.Encoder, out tl.Decoder) error {
					calls.Add(1)
					out.(*tg.MessagesMessagesClassBox).MessagesMessages = &tg.MessagesMessagesSlice{Count: 1e6, Messages: tt.page}
					return nil
				})
			})
			got, err := collect(c.GetChatHistory(ctxT(t), &tg.InputPeerUser{UserID: 7, AccessHash: 1}))
			if err != nil || len(got) != tt.wantMsgs || calls.Load() != tt.wantCalls {
				t.Fatalf("%d messages in %d calls, %v; want %d in %d", len(got), calls.Load(), err, tt.wantMsgs, tt.wantCalls)
			}
		})
	}
}
