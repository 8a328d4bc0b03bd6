package mtgo

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestSendOptionsReachEveryRequest checks that each send option lands in the same fields of
// messages.sendMessage and messages.sendMedia: the options are resolved once, in outgoing.
func TestSendOptionsReachEveryRequest(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	kb := &tg.ReplyKeyboardHide{}
	tests := []struct {
		name string
		opts []SendOption
		msg  tg.MessagesSendMessageRequest
	}{
		{name: "none"},
		{name: "reply", opts: []SendOption{WithReplyTo(7)}, msg: tg.MessagesSendMessageRequest{
			ReplyTo: &tg.InputReplyToMessage{ReplyToMsgID: 7},
		}},
		{name: "topic post", opts: []SendOption{WithTopic(3)}, msg: tg.MessagesSendMessageRequest{
			ReplyTo: &tg.InputReplyToMessage{ReplyToMsgID: 3, TopMsgID: tl.Some(int32(3))},
		}},
		{name: "reply in topic", opts: []SendOption{WithTopic(3), WithReplyTo(9)}, msg: tg.MessagesSendMessageRequest{
			ReplyTo: &tg.InputReplyToMessage{ReplyToMsgID: 9, TopMsgID: tl.Some(int32(3))},
		}},
		{
			name: "flags",
			opts: []SendOption{WithSilent(), WithProtect(), WithNoWebpage(), WithInvertMedia()},
			msg:  tg.MessagesSendMessageRequest{Silent: true, Noforwards: true, NoWebpage: true, InvertMedia: true},
		},
		{
			name: "schedule effect stars markup",
			opts: []SendOption{WithSchedule(at), WithEffect(5), WithPaidStars(10), WithReplyMarkup(kb)},
			msg: tg.MessagesSendMessageRequest{
				ScheduleDate: tl.Some(int32(at.Unix())), Effect: tl.Some(int64(5)),
				AllowPaidStars: tl.Some(int64(10)), ReplyMarkup: kb,
			},
		},
		{name: "zero schedule is now", opts: []SendOption{WithSchedule(time.Time{})}},
	}
	c := &Client{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.resolveSend(context.Background(), option.CollectSend(tt.opts))
			if err != nil {
				t.Fatal(err)
			}
			var msg tg.MessagesSendMessageRequest
			out.toMessage(&msg)
			if diff := cmp.Diff(tt.msg, msg); diff != "" {
				t.Errorf("sendMessage (-want +got):\n%s", diff)
			}
			// sendMedia takes the same fields, less the link preview.
			var media tg.MessagesSendMediaRequest
			out.toMedia(&media)
			want := tg.MessagesSendMediaRequest{
				ReplyTo: tt.msg.ReplyTo, ScheduleDate: tt.msg.ScheduleDate, Effect: tt.msg.Effect,
				AllowPaidStars: tt.msg.AllowPaidStars, ReplyMarkup: tt.msg.ReplyMarkup,
				Silent: tt.msg.Silent, Noforwards: tt.msg.Noforwards, InvertMedia: tt.msg.InvertMedia,
			}
			if diff := cmp.Diff(want, media); diff != "" {
				t.Errorf("sendMedia (-want +got):\n%s", diff)
			}
			// forwardMessages has no markup, link preview or media position (forwardable
			// rejects those options); the rest lands as for the others.
			var fwd tg.MessagesForwardMessagesRequest
			out.toForward(&fwd)
			wantFwd := tg.MessagesForwardMessagesRequest{
				ReplyTo: tt.msg.ReplyTo, ScheduleDate: tt.msg.ScheduleDate, Effect: tt.msg.Effect,
				AllowPaidStars: tt.msg.AllowPaidStars, Silent: tt.msg.Silent, Noforwards: tt.msg.Noforwards,
			}
			if diff := cmp.Diff(wantFwd, fwd); diff != "" {
				t.Errorf("forwardMessages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestForwardable checks which send options a forward or a copy refuses: those
// messages.forwardMessages has no field for.
func TestForwardable(t *testing.T) {
	tests := []struct {
		name string
		opts []SendOption
		drop bool
		ok   bool
	}{
		{name: "none", ok: true},
		{name: "silent protect schedule", opts: []SendOption{WithSilent(), WithProtect(), WithSchedule(time.Unix(1e9, 0))}, ok: true},
		{name: "markup", opts: []SendOption{WithReplyMarkup(&tg.ReplyKeyboardHide{})}},
		{name: "no webpage", opts: []SendOption{WithNoWebpage()}},
		{name: "invert media", opts: []SendOption{WithInvertMedia()}},
		{name: "caption on forward", opts: []SendOption{WithCaption("")}},
		{name: "new caption on copy", opts: []SendOption{WithCaption("x")}, drop: true},
		{name: "dropped caption on copy", opts: []SendOption{WithCaption("")}, drop: true, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := forwardable(option.CollectSend(tt.opts), tt.drop)
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrForwardOption)) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
