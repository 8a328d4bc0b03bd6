package mtgo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// laterParticipant stands for a participant constructor of a later layer, which
// types.NewChatMember does not know and GetChatMembers skips.
type laterParticipant struct{ *tg.ChannelParticipantLeft }

// TestGetChatMembersSkippedParticipant pages through a channel of 250 members whose first
// page holds one participant the client skips. The next page must start after all 200 the
// server returned, not after the 199 converted: an offset of 199 would list member 199 twice.
func TestGetChatMembersSkippedParticipant(t *testing.T) {
	const total, skipped = 250, 5
	c := offlineClient(t, 1)
	var offsets []int32
	c.UseInvokerMiddleware(func(tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(_ context.Context, in tl.Encoder, out tl.Decoder) error {
			req, ok := in.(*tg.ChannelsGetParticipantsRequest)
			box, okOut := out.(*tg.ChannelsChannelParticipantsClassBox)
			if !ok || !okOut {
				return errors.New("unexpected call")
			}
			offsets = append(offsets, req.Offset)
			page := &tg.ChannelsChannelParticipants{Count: total}
			for i := int(req.Offset); i < total && i < int(req.Offset+req.Limit); i++ {
				var p tg.ChannelParticipantClass = &tg.ChannelParticipant{UserID: int64(i + 1)}
				if i == skipped {
					p = laterParticipant{&tg.ChannelParticipantLeft{Peer: &tg.PeerUser{UserID: int64(i + 1)}}}
				}
				page.Participants = append(page.Participants, p)
			}
			box.ChannelsChannelParticipants = page
			return nil
		})
	})
	var got []int64
	for m, err := range c.GetChatMembers(context.Background(), &tg.InputPeerChannel{ChannelID: 7, AccessHash: 1}, types.MemberFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.User.ID)
	}
	var want []int64
	for i := range total {
		if i != skipped {
			want = append(want, int64(i+1))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{0, 200}, offsets); diff != "" {
		t.Errorf("offsets asked (-want +got):\n%s", diff)
	}
}
