package world

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ids lists the ids of msgs.
func ids(msgs []*message) []int32 {
	var out []int32
	for _, m := range msgs {
		out = append(out, m.id)
	}
	return out
}

// span is hi, hi-1, ..., lo.
func span(hi, lo int32) []int32 {
	var out []int32
	for i := hi; i >= lo; i-- {
		out = append(out, i)
	}
	return out
}

func TestPage(t *testing.T) {
	var msgs []*message // ids 250..1 newest first, dated 10 per id
	for id := int32(250); id >= 1; id-- {
		msgs = append(msgs, &message{id: id, date: 10 * id})
	}
	tests := []struct {
		name string
		q    HistoryQuery
		want []int32
	}{
		{"first page capped at 100", HistoryQuery{Limit: 500}, span(250, 151)},
		{"offset id", HistoryQuery{OffsetID: 151, Limit: 3}, span(150, 148)},
		{"offset date", HistoryQuery{OffsetDate: 1505, Limit: 2}, span(150, 149)},
		{"add offset backwards", HistoryQuery{OffsetID: 151, AddOffset: -2, Limit: 4}, span(152, 149)},
		{"max id without offset", HistoryQuery{MaxID: 10, Limit: 5}, span(9, 5)},
		{"min id ends the page", HistoryQuery{MinID: 247, Limit: 10}, span(250, 248)},
		{"both bounds and an offset", HistoryQuery{OffsetID: 50, MinID: 45, MaxID: 60, Limit: 10}, span(49, 46)},
		{"past the end", HistoryQuery{OffsetID: 1, Limit: 10}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(page(msgs, tt.q))); diff != "" {
				t.Fatalf("page (-want +got):\n%s", diff)
			}
		})
	}
}

// texts of a messages.Messages answer.
func answerTexts(t *testing.T, res tg.MessagesMessagesClass) []string {
	t.Helper()
	var out []string
	for _, m := range listOf(res) {
		out = append(out, m.(*tg.Message).Message)
	}
	return out
}

func TestSearch(t *testing.T) {
	s := newSendWorld(t)
	send := func(key KeyID, to tg.InputPeerClass, text string, ents ...tg.MessageEntityClass) {
		t.Helper()
		if _, err := s.w.SendMessage(key, to, Draft{RandomID: s.w.randomInt64(), Text: text, Entities: ents}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		send(s.ka, s.toB, fmt.Sprint("apple ", i))
		send(s.kb, s.toA, fmt.Sprint("Apple pie ", i))
	}
	send(s.ka, s.toB, "see https://x.org", &tg.MessageEntityURL{Offset: 4, Length: 13})
	bob := &tg.InputPeerUser{UserID: s.b.ID, AccessHash: s.w.accessHash(s.a.ID, PeerUser, s.b.ID)}
	tests := []struct {
		name string
		q    SearchQuery
		want []string
		err  error
	}{
		{"text, any case", SearchQuery{Q: "PIE", HistoryQuery: HistoryQuery{Limit: 2}}, []string{"Apple pie 4", "Apple pie 3"}, nil},
		{"sender", SearchQuery{Q: "apple", From: bob, HistoryQuery: HistoryQuery{Limit: 10}}, []string{"Apple pie 4", "Apple pie 3", "Apple pie 2", "Apple pie 1", "Apple pie 0"}, nil},
		{"url filter", SearchQuery{Filter: &tg.InputMessagesFilterURL{}}, []string{"see https://x.org"}, nil},
		{"photos: none", SearchQuery{Filter: &tg.InputMessagesFilterPhotos{}}, nil, nil},
		{"future dates: none", SearchQuery{Q: "apple", MinDate: int32(s.w.Now().Unix()) + 10}, nil, nil},
		{"unknown sender", SearchQuery{From: &tg.InputPeerUser{UserID: 424242}}, nil, rpcErr(400, "FROM_PEER_INVALID")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.w.Search(s.ka, s.toB, tt.q)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, answerTexts(t, res)); diff != "" {
				t.Fatalf("search (-want +got):\n%s", diff)
			}
		})
	}

	// Global search pages through every match once, following next_rate.
	var got []string
	q := SearchGlobalQuery{Q: "apple", Limit: 3}
	for range 10 {
		res, err := s.w.SearchGlobal(s.ka, q)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, answerTexts(t, res)...)
		if !res.NextRate.Set {
			break
		}
		last := res.Messages[len(res.Messages)-1].(*tg.Message)
		q.OffsetRate, q.OffsetID, q.OffsetPeer = res.NextRate.Value, last.ID, s.toB
	}
	if len(got) != 10 {
		t.Fatalf("global search found %d messages: %v", len(got), got)
	}
	if _, err := s.w.SearchGlobal(s.ka, SearchGlobalQuery{}); !errors.Is(err, rpcErr(400, "SEARCH_QUERY_EMPTY")) {
		t.Fatalf("empty global search: %v", err)
	}
}
