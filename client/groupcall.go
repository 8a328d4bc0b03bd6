package mtgo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Group calls (voice chats) and live streams. A live stream is a group call created with
// RTMP streaming on: its owner publishes to the RTMP URL and key (BroadcastStream), and
// viewers read its chunks from the call's stream data center (CallReader). Joining a voice
// chat with audio needs WebRTC, which this library does not do; JoinCall joins as a muted
// listener, which is all a live stream's viewers need.

// ErrNoActiveCall reports a chat without a group call in progress.
var ErrNoActiveCall = errors.New("mtgo: no active group call in this chat")

// CallOption configures CreateCall.
type CallOption func(*callParams)

type callParams struct {
	rtmp     bool
	title    string
	schedule time.Time
}

// WithRTMPStream creates the call as a live stream fed over RTMP (see NewBroadcastStream).
func WithRTMPStream() CallOption { return func(p *callParams) { p.rtmp = true } }

// WithCallTitle sets the call's title.
func WithCallTitle(title string) CallOption { return func(p *callParams) { p.title = title } }

// WithCallSchedule schedules the call to start at t instead of now (ErrDate for a t outside
// 1901-12-13..2038-01-19).
func WithCallSchedule(t time.Time) CallOption { return func(p *callParams) { p.schedule = t } }

// CreateCall starts a group call (or a live stream, WithRTMPStream) in chat, a group or
// channel the account administers, and returns it.
func (c *Client) CreateCall(ctx context.Context, chat any, opts ...CallOption) (*types.GroupCall, error) {
	var p callParams
	for _, o := range opts {
		if o != nil {
			o(&p)
		}
	}
	schedule, err := tgdate.Opt("schedule", p.schedule)
	if err != nil {
		return nil, fmt.Errorf("mtgo: create group call: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	req := &tg.PhoneCreateGroupCallRequest{Peer: peer, RTMPStream: p.rtmp, RandomID: int32(c.RandomID()), ScheduleDate: schedule}
	if p.title != "" {
		req.Title = tl.Some(p.title)
	}
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: create group call: %w", err)
	}
	if call := callOf(res.Updates); call != nil {
		return call, nil
	}
	return nil, fmt.Errorf("mtgo: create group call: no updateGroupCall in the answer")
}

// callOf finds the call an Updates answer announces.
func callOf(u tg.UpdatesClass) *types.GroupCall {
	list, _, _, _ := updatesParts(u)
	for _, x := range list {
		if gc, ok := x.(*tg.UpdateGroupCall); ok {
			return types.NewGroupCall(gc.Call)
		}
	}
	return nil
}

// GetActiveCall returns the group call in progress in chat (from its full info), or
// ErrNoActiveCall.
func (c *Client) GetActiveCall(ctx context.Context, chat any) (*types.GroupCall, error) {
	full, err := c.GetFullChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	var in tg.InputGroupCallClass
	switch f := full.Raw.(type) {
	case *tg.ChannelFull:
		in = f.Call
	case *tg.ChatFull:
		in = f.Call
	}
	ic, ok := in.(*tg.InputGroupCall)
	if !ok || ic == nil {
		return nil, ErrNoActiveCall
	}
	return c.GetCall(ctx, &types.GroupCall{ID: ic.ID, AccessHash: ic.AccessHash})
}

// GetCall fetches the current state of call.
func (c *Client) GetCall(ctx context.Context, call *types.GroupCall) (*types.GroupCall, error) {
	var res tg.PhoneGroupCall
	if err := c.invoker().Invoke(ctx, &tg.PhoneGetGroupCallRequest{Call: call.Input(), Limit: 1}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get group call: %w", err)
	}
	return types.NewGroupCall(res.Call), nil
}

// GetCallParticipants lists the participants of call, paging as the loop goes; limit > 0
// stops after that many.
func (c *Client) GetCallParticipants(ctx context.Context, call *types.GroupCall, limit int) iter.Seq2[*types.GroupCallParticipant, error] {
	return func(yield func(*types.GroupCallParticipant, error) bool) {
		offset, n := "", 0
		for {
			var res tg.PhoneGroupParticipants
			err := c.invoker().Invoke(ctx, &tg.PhoneGetGroupParticipantsRequest{
				Call: call.Input(), IDs: []tg.InputPeerClass{}, Sources: []int32{}, Offset: offset, Limit: 100,
			}, &res)
			if err != nil {
				yield(nil, fmt.Errorf("mtgo: group call participants: %w", err))
				return
			}
			e := types.NewEntities(res.Users, res.Chats)
			for _, p := range res.Participants {
				if !yield(types.NewGroupCallParticipant(p, e), nil) {
					return
				}
				if n++; limit > 0 && n >= limit {
					return
				}
			}
			if res.NextOffset == "" || res.NextOffset == offset || len(res.Participants) == 0 {
				return
			}
			offset = res.NextOffset
		}
	}
}

// EditCallTitle renames call.
func (c *Client) EditCallTitle(ctx context.Context, call *types.GroupCall, title string) error {
	return c.callUpdate(ctx, "edit group call title", &tg.PhoneEditGroupCallTitleRequest{Call: call.Input(), Title: title})
}

// StartScheduledCall starts a scheduled call now.
func (c *Client) StartScheduledCall(ctx context.Context, call *types.GroupCall) error {
	return c.callUpdate(ctx, "start scheduled group call", &tg.PhoneStartScheduledGroupCallRequest{Call: call.Input()})
}

// EndCall ends call for everyone.
func (c *Client) EndCall(ctx context.Context, call *types.GroupCall) error {
	return c.callUpdate(ctx, "end group call", &tg.PhoneDiscardGroupCallRequest{Call: call.Input()})
}

// JoinCall joins call as a muted listener (what a live stream's viewers do; speaking in a
// voice chat needs WebRTC).
func (c *Client) JoinCall(ctx context.Context, call *types.GroupCall) error {
	return c.callUpdate(ctx, "join group call", &tg.PhoneJoinGroupCallRequest{
		Call: call.Input(), Muted: true, VideoStopped: true, JoinAs: &tg.InputPeerSelf{}, Params: tg.DataJSON{Data: "{}"},
	})
}

// LeaveCall leaves call.
func (c *Client) LeaveCall(ctx context.Context, call *types.GroupCall) error {
	return c.callUpdate(ctx, "leave group call", &tg.PhoneLeaveGroupCallRequest{Call: call.Input()})
}

func (c *Client) callUpdate(ctx context.Context, what string, req tg.TLObject) error {
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return nil
}

// GetRTMPURL returns the RTMP URL and stream key of chat (a group or channel the account
// administers, or the account itself); revoke replaces the key, cutting off whoever holds
// the old one.
func (c *Client) GetRTMPURL(ctx context.Context, chat any, revoke bool) (types.RTMPURL, error) {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return types.RTMPURL{}, err
	}
	var res tg.PhoneGroupCallStreamRTMPURL
	if err := c.invoker().Invoke(ctx, &tg.PhoneGetGroupCallStreamRTMPURLRequest{Peer: peer, Revoke: revoke}, &res); err != nil {
		return types.RTMPURL{}, fmt.Errorf("mtgo: get RTMP URL: %w", err)
	}
	return types.RTMPURL{URL: res.URL, Key: res.Key}, nil
}

// GetStreamChannels returns the channels of a live stream the account has joined, asked on
// the call's stream data center.
func (c *Client) GetStreamChannels(ctx context.Context, call *types.GroupCall) ([]types.StreamChannel, error) {
	inv, err := c.streamInvoker(ctx, call)
	if err != nil {
		return nil, err
	}
	var res tg.PhoneGroupCallStreamChannels
	if err := inv.Invoke(ctx, &tg.PhoneGetGroupCallStreamChannelsRequest{Call: call.Input()}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: group call stream channels: %w", err)
	}
	out := make([]types.StreamChannel, 0, len(res.Channels))
	for _, ch := range res.Channels {
		out = append(out, types.StreamChannel{
			Channel: int(ch.Channel), Scale: int(ch.Scale), LastTimestamp: time.Duration(ch.LastTimestampMs) * time.Millisecond,
		})
	}
	return out, nil
}

// streamInvoker is the connection to the call's stream data center (the home one when the
// call names none).
func (c *Client) streamInvoker(ctx context.Context, call *types.GroupCall) (tg.Invoker, error) {
	if call.StreamDC == 0 || call.StreamDC == c.DC() {
		return c.invoker(), nil
	}
	inv, err := c.eng.MediaPool().DC(ctx, call.StreamDC, media.KindMain)
	if err != nil {
		return nil, fmt.Errorf("mtgo: connect to stream DC %d: %w", call.StreamDC, err)
	}
	return inv, nil
}
