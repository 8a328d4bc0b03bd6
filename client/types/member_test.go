package types_test

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestMemberFilterTGThread: TG refuses a mentions thread the filter's 32-bit top_msg_id cannot
// carry (cut to it, 1<<32+5 would name message 5), and sends one in range as it is; 0 is no
// thread.
func TestMemberFilterTGThread(t *testing.T) {
	mentions := func(top int) types.MemberFilter {
		return types.MemberFilter{Kind: types.MembersMentions, TopMessage: top}
	}
	for _, tt := range []struct {
		name    string
		filter  types.MemberFilter
		want    tg.ChannelParticipantsFilterClass
		wantErr error
	}{
		{"past int32", mentions(1<<32 + 5), nil, types.ErrMessageID},
		{"2^31", mentions(math.MaxInt32 + 1), nil, types.ErrMessageID},
		{"negative", mentions(-1), nil, types.ErrMessageID},
		{"no thread", mentions(0), &tg.ChannelParticipantsMentions{}, nil},
		{"largest", mentions(math.MaxInt32), &tg.ChannelParticipantsMentions{TopMsgID: tl.Some[int32](math.MaxInt32)}, nil},
		{"thread of another kind", types.MemberFilter{Kind: types.MembersBots, TopMessage: 1<<32 + 5}, &tg.ChannelParticipantsBots{}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.filter.TG()
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("TG() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("TG() (-want +got):\n%s", diff)
			}
		})
	}
}
