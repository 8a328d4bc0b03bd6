package option_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/option"
)

func TestCollect(t *testing.T) {
	at := time.Unix(1_700_000_000, 0)
	silent := option.SendFunc(func(p *option.SendParams) { p.Silent = true })
	reply := func(id int) option.Send {
		return option.SendFunc(func(p *option.SendParams) { p.Reply.MessageID = id })
	}
	mode := func(m int) option.SendEdit {
		return option.CommonFunc(func(p *option.Common) { p.ParseMode, p.ParseModeSet = m, true })
	}
	schedule := option.CommonFunc(func(p *option.Common) { p.Schedule = at })

	tests := []struct {
		name string
		send []option.Send
		want option.SendParams
	}{
		{name: "none", want: option.SendParams{}},
		{name: "nil skipped", send: []option.Send{nil, silent}, want: option.SendParams{Silent: true}},
		{name: "later wins", send: []option.Send{reply(1), reply(2)}, want: option.SendParams{Reply: option.Reply{MessageID: 2}}},
		{
			name: "common and send-only",
			send: []option.Send{mode(2), schedule, silent},
			want: option.SendParams{
				Common: option.Common{Text: option.Text{ParseMode: 2, ParseModeSet: true}, Schedule: at},
				Silent: true,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, option.CollectSend(tt.send)); diff != "" {
				t.Errorf("CollectSend (-want +got):\n%s", diff)
			}
		})
	}

	// The same SendEdit value configures an edit.
	got := option.CollectEdit([]option.Edit{mode(1), nil, schedule})
	want := option.EditParams{Common: option.Common{Text: option.Text{ParseMode: 1, ParseModeSet: true}, Schedule: at}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CollectEdit (-want +got):\n%s", diff)
	}
}

func TestCollectCallbackAnswer(t *testing.T) {
	alert := option.CallbackAnswerFunc(func(p *option.CallbackAnswerParams) { p.Alert = true })
	url := func(u string) option.CallbackAnswer {
		return option.CallbackAnswerFunc(func(p *option.CallbackAnswerParams) { p.URL = u })
	}
	got := option.CollectCallbackAnswer([]option.CallbackAnswer{url("a"), nil, alert, url("b")})
	if diff := cmp.Diff(option.CallbackAnswerParams{Alert: true, URL: "b"}, got); diff != "" {
		t.Errorf("CollectCallbackAnswer (-want +got):\n%s", diff)
	}
}
