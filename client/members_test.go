package mtgo_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// laterParticipant stands for a participant constructor of a later layer, which
// types.NewChatMember does not know and GetChatMembers skips.
type laterParticipant struct{ *tg.ChannelParticipantLeft }

// TestGetChatMembersSkippedParticipant pages through channels whose pages hold participants
// the client skips. The next page starts after all the server returned, not after the ones
// converted (an offset of 199 would list member 199 twice), and a page that converts to no
// member at all does not end the list: only the server's count or a short page does.
func TestGetChatMembersSkippedParticipant(t *testing.T) {
	tests := []struct {
		name        string
		total       int
		skip        func(i int) bool
		wantOffsets []int32
	}{
		{"one on page one", 250, func(i int) bool { return i == 5 }, []int32{0, 200}},
		{"all of page one", 450, func(i int) bool { return i < 200 }, []int32{0, 200, 400}},
		{"all of page two", 450, func(i int) bool { return i >= 200 && i < 400 }, []int32{0, 200, 400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var offsets []int32
			c := answeringEach(t, func(req *tg.ChannelsGetParticipantsRequest, box *tg.ChannelsChannelParticipantsClassBox) {
				offsets = append(offsets, req.Offset)
				page := &tg.ChannelsChannelParticipants{Count: int32(tt.total)}
				for i := int(req.Offset); i < tt.total && i < int(req.Offset+req.Limit); i++ {
					var p tg.ChannelParticipantClass = &tg.ChannelParticipant{UserID: int64(i + 1)}
					if tt.skip(i) {
						p = laterParticipant{&tg.ChannelParticipantLeft{Peer: &tg.PeerUser{UserID: int64(i + 1)}}}
					}
					page.Participants = append(page.Participants, p)
				}
				box.ChannelsChannelParticipants = page
			})
			got := listedKeys(t, c.GetChatMembers(context.Background(), &tg.InputPeerChannel{ChannelID: 7, AccessHash: 1}, types.MemberFilter{}),
				func(m *types.ChatMember) int64 { return m.User.ID })
			want := upTo(1, tt.total, func(id int) bool { return tt.skip(id - 1) })
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOffsets, offsets); diff != "" {
				t.Errorf("offsets asked (-want +got):\n%s", diff)
			}
		})
	}
}
