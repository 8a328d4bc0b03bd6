package mtgo_test

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// fullPage is a page of 100 messages of user 7, ids top down to top-99, answered with
// next_rate rate (0: none) and a count no listing reaches.
func fullPage(top, rate int32) *tg.MessagesMessagesSlice {
	pg := &tg.MessagesMessagesSlice{Count: 1 << 30, Users: []tg.UserClass{&tg.User{ID: 7, AccessHash: tl.Some[int64](1)}}}
	if rate != 0 {
		pg.NextRate = tl.Some(rate)
	}
	for i := range int32(100) {
		pg.Messages = append(pg.Messages, &tg.Message{ID: top - i, Date: 1000, PeerID: &tg.PeerUser{UserID: 7}, Message: "m"})
	}
	return pg
}

// TestListingCursorMustMove: a server whose pages do not carry a listing on (the same full
// page again, or two full pages in turn, with a count never reached) ends every message
// listing instead of paging forever. A newest-first listing ends at a page whose last id is
// not below the offset it was asked from; SearchGlobal at a (rate, peer, id) cursor it has
// continued from before. The pages listed so far are yielded, with no error.
func TestListingCursorMustMove(t *testing.T) {
	peer := &tg.InputPeerUser{UserID: 7, AccessHash: 1}
	listings := []struct {
		name string
		list func(*mtgo.Client) iter.Seq2[*types.Message, error]
	}{
		{"GetChatHistory", func(c *mtgo.Client) iter.Seq2[*types.Message, error] {
			return c.GetChatHistory(context.Background(), peer)
		}},
		{"GetChatHistory from an offset", func(c *mtgo.Client) iter.Seq2[*types.Message, error] {
			return c.GetChatHistory(context.Background(), peer, mtgo.WithOffsetID(150))
		}},
		{"SearchMessages", func(c *mtgo.Client) iter.Seq2[*types.Message, error] {
			return c.SearchMessages(context.Background(), peer, "m")
		}},
		{"GetDiscussionReplies", func(c *mtgo.Client) iter.Seq2[*types.Message, error] {
			return c.GetDiscussionReplies(context.Background(), peer, 5)
		}},
		{"SearchGlobal", func(c *mtgo.Client) iter.Seq2[*types.Message, error] {
			return c.SearchGlobal(context.Background(), "m")
		}},
	}
	servers := []struct {
		name  string
		pages []*tg.MessagesMessagesSlice // answered in turn
		// newest first: messages listed and calls made; global search likewise
		want, wantGlobal [2]int
	}{
		{"same page", []*tg.MessagesMessagesSlice{fullPage(200, 10)}, [2]int{200, 2}, [2]int{200, 2}},
		{"two pages in turn", []*tg.MessagesMessagesSlice{fullPage(200, 10), fullPage(300, 20)}, [2]int{200, 2}, [2]int{300, 3}},
		{"two pages, same rate", []*tg.MessagesMessagesSlice{fullPage(200, 10), fullPage(300, 10)}, [2]int{200, 2}, [2]int{300, 3}},
	}
	for _, l := range listings {
		for _, s := range servers {
			t.Run(l.name+"/"+s.name, func(t *testing.T) {
				calls := 0
				c := answering(t, func(_ tl.Encoder, out tl.Decoder) error {
					if calls++; calls > 10 {
						return fmt.Errorf("call %d: the listing does not end", calls)
					}
					out.(*tg.MessagesMessagesClassBox).MessagesMessages = s.pages[(calls-1)%len(s.pages)]
					return nil
				})
				n := 0
				for _, err := range l.list(c) {
					if err != nil {
						t.Fatalf("after %d messages: %v", n, err)
					}
					n++
				}
				want := s.want
				if l.name == "SearchGlobal" {
					want = s.wantGlobal
				}
				if got := [2]int{n, calls}; got != want {
					t.Errorf("%d messages in %d calls, want %d in %d", n, calls, want[0], want[1])
				}
			})
		}
	}
}

// TestHistoryPageOfEmptyMessagesGoesOn: a full page of deleted messages (messageEmpty with
// ids) lists nothing but still carries GetChatHistory on below its last id.
func TestHistoryPageOfEmptyMessagesGoesOn(t *testing.T) {
	var offsets []int32
	c := answeringEach(t, func(req *tg.MessagesGetHistoryRequest, box *tg.MessagesMessagesClassBox) {
		offsets = append(offsets, req.OffsetID)
		pg := &tg.MessagesMessagesSlice{Count: 150}
		if req.OffsetID == 0 {
			for id := int32(150); id > 50; id-- {
				pg.Messages = append(pg.Messages, &tg.MessageEmpty{ID: id})
			}
		} else {
			pg.Messages = fullPage(50, 0).Messages[:50]
		}
		box.MessagesMessages = pg
	})
	got := listedKeys(t, c.GetChatHistory(context.Background(), &tg.InputPeerUser{UserID: 7, AccessHash: 1}),
		func(m *types.Message) int64 { return int64(m.ID) })
	want := upTo(1, 50, func(int) bool { return false })
	slices.Reverse(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{0, 51}, offsets); diff != "" {
		t.Errorf("offsets asked (-want +got):\n%s", diff)
	}
}
