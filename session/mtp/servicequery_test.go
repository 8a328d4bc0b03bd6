package mtp

import (
	"slices"
	"testing"
)

// TestServerServiceQueries: ping, ping_delay_disconnect and get_future_salts are answered
// with either seqno parity (34 for an even one only under StrictServiceSeqNo), and a ping is
// never acknowledged, its pong being its answer.
func TestServerServiceQueries(t *testing.T) {
	ping := le.AppendUint64(le.AppendUint32(nil, idPing), 7)
	pingDelay := le.AppendUint32(le.AppendUint64(le.AppendUint32(nil, idPingDelayDisconnect), 8), 75)
	salts := le.AppendUint32(le.AppendUint32(nil, idGetFutureSalts), 1)
	for _, tc := range []struct {
		name   string
		strict bool
		body   []byte
		seqNo  int32
		answer uint32 // the server's answer: pong, future_salts or bad_msg_notification
		acked  bool
	}{
		{"ping even", false, ping, 2, idPong, false},
		{"ping odd", false, ping, 3, idPong, false},
		{"ping_delay_disconnect even", false, pingDelay, 2, idPong, false},
		{"ping_delay_disconnect odd", false, pingDelay, 3, idPong, false},
		{"get_future_salts even", false, salts, 2, idFutureSalts, false},
		{"get_future_salts odd", false, salts, 3, idFutureSalts, true},
		{"strict ping even", true, ping, 2, idBadMsgNotification, false},
		{"strict ping odd", true, ping, 3, idPong, false},
		{"strict get_future_salts even", true, salts, 2, idBadMsgNotification, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPair(t, func(_, s *Config) { s.StrictServiceSeqNo = tc.strict })
			p.call(body(1, 0), CallOptions{})
			p.roundTrip(p.echo)
			p.s.queue, p.s.live = p.s.queue[:0], 0
			p.s.acks = p.s.acks[:0]
			msgID := p.c.ids.next(p.now, idClient)
			plain := le.AppendUint64(nil, uint64(testSalt))
			plain = le.AppendUint64(plain, uint64(testSession))
			plain = p.c.appendHeader(plain, msgID, tc.seqNo, len(tc.body))
			p.s.receivePlain(p.now, append(plain, tc.body...))
			var answers []uint32
			for _, m := range p.s.queue {
				answers = append(answers, peekID(m.body))
			}
			if !slices.Contains(answers, tc.answer) {
				t.Fatalf("server queued %#x, want %#x", answers, tc.answer)
			}
			if got := slices.Contains(p.s.acks, msgID); got != tc.acked {
				t.Fatalf("acknowledged %v, want %v", got, tc.acked)
			}
		})
	}
}
