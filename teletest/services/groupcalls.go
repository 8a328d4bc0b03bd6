package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Group calls and live streams (phone.*): each maps onto one world transaction; the world
// keeps calls, participants and stream keys and serves stream chunks from a fixture.
func (d *Dispatcher) registerGroupCalls() {
	h := d.handlers
	w := d.w
	h[tg.PhoneGetGroupCallStreamRTMPURLRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneGetGroupCallStreamRTMPURLRequest) (tl.Encoder, error) {
		return answer(w.StreamRTMPURL(c.AuthKeyID, r.Peer, r.Revoke))
	})
	h[tg.PhoneCreateGroupCallRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneCreateGroupCallRequest) (tl.Encoder, error) {
		return answer(w.CreateGroupCall(c.AuthKeyID, r.Peer, r.RTMPStream, r.Title.Value, r.ScheduleDate.Value))
	})
	h[tg.PhoneGetGroupCallRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneGetGroupCallRequest) (tl.Encoder, error) {
		return answer(w.GetGroupCall(c.AuthKeyID, r.Call, r.Limit))
	})
	h[tg.PhoneGetGroupParticipantsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneGetGroupParticipantsRequest) (tl.Encoder, error) {
		return answer(w.GroupCallParticipants(c.AuthKeyID, r.Call, r.Offset, r.Limit))
	})
	h[tg.PhoneJoinGroupCallRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneJoinGroupCallRequest) (tl.Encoder, error) {
		return answer(w.JoinGroupCall(c.AuthKeyID, r.Call, r.Muted))
	})
	h[tg.PhoneLeaveGroupCallRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneLeaveGroupCallRequest) (tl.Encoder, error) {
		return answer(w.LeaveGroupCall(c.AuthKeyID, r.Call))
	})
	h[tg.PhoneEditGroupCallTitleRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneEditGroupCallTitleRequest) (tl.Encoder, error) {
		return answer(w.EditGroupCallTitle(c.AuthKeyID, r.Call, r.Title))
	})
	h[tg.PhoneStartScheduledGroupCallRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneStartScheduledGroupCallRequest) (tl.Encoder, error) {
		return answer(w.StartScheduledGroupCall(c.AuthKeyID, r.Call))
	})
	h[tg.PhoneDiscardGroupCallRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneDiscardGroupCallRequest) (tl.Encoder, error) {
		return answer(w.DiscardGroupCall(c.AuthKeyID, r.Call))
	})
	h[tg.PhoneGetGroupCallStreamChannelsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhoneGetGroupCallStreamChannelsRequest) (tl.Encoder, error) {
		return answer(w.GroupCallStreamChannels(c.AuthKeyID, c.DC, r.Call))
	})
}
