package mtp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDestroySession: destroy_session about another session of the key is handed to the loop
// (EventDestroySession), which knows the sessions, and answered as the loop says; about the
// session that sends it, it is answered destroy_session_none at once (MTProto leaves that
// case undefined: the session goes on).
func TestDestroySession(t *testing.T) {
	const other = 0x0abcdef012345678
	tests := []struct {
		name      string
		sid       int64
		destroyed bool // the loop's answer to the event
		event     bool
		want      uint32
	}{
		{"another session the server knows", other, true, true, idDestroySessionOk},
		{"another session it does not know", other, false, true, idDestroySessionNone},
		{"the session asking", testSession, false, false, idDestroySessionNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, nil)
			p.openSession()
			req := le.AppendUint64(le.AppendUint32(nil, idDestroySession), uint64(tt.sid))
			if err := p.c.Push(req); err != nil {
				t.Fatal(err)
			}
			p.flushC()
			var got []int64
			for _, ev := range only(p.deliverS(), EventDestroySession) {
				got = append(got, ev.SessionID)
				p.s.AnswerDestroySession(ev.SessionID, tt.destroyed)
			}
			var want []int64
			if tt.event {
				want = []int64{tt.sid}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("destroy events (-want +got):\n%s", diff)
			}
			answer := le.AppendUint64(le.AppendUint32(nil, tt.want), uint64(tt.sid))
			var answers [][]byte
			for _, m := range p.s.queue {
				if id := peekID(m.body); id == idDestroySessionOk || id == idDestroySessionNone {
					answers = append(answers, m.body)
				}
			}
			if diff := cmp.Diff([][]byte{answer}, answers); diff != "" {
				t.Fatalf("answers (-want +got):\n%s", diff)
			}
		})
	}
}
