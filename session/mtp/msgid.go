package mtp

import "time"

// Message id kinds: the two low bits of a msg_id say who sent it and why.
const (
	// idClient marks every message sent by a client (msg_id divisible by 4).
	idClient = 0
	// idServerAnswer marks a server message answering a client message.
	idServerAnswer = 1
	// idServerOther marks any other server message (updates, pings of its own).
	idServerOther = 3
)

// The range of a msg_id's time, in unix seconds, and the server times a clock correction may
// imply (Engine.correctClock): a correction to a time outside [minServerTime, maxServerTime)
// is ignored, whatever the local clock says.
const (
	// msgIDSecondsEnd is where the seconds in the upper 32 bits of a msg_id stop fitting a
	// positive int64: 2^31 s, 2038-01-19 03:14:08 UTC.
	msgIDSecondsEnd = 1 << 31
	// minServerTime is the first second after the unix epoch: a msg_id's seconds must be
	// positive. No later year is asked for: Telegram's servers did not run before 2013, but
	// a test server in testing/synctest's bubble (teletest) runs on a clock that starts at
	// 2000-01-01 UTC, and a correction refused there leaves every call failing.
	minServerTime = 1
	// serverTimeMargin keeps a corrected clock clear of msgIDSecondsEnd, so the msg_ids
	// numbered from it grow with time for at least that long: 30 days.
	serverTimeMargin = 30 * 24 * 60 * 60
	// maxServerTime is 2037-12-20 03:14:08 UTC.
	maxServerTime = msgIDSecondsEnd - serverTimeMargin
)

// MsgIDTime returns the time encoded in a msg_id: the upper 32 bits are unix seconds, the lower
// 32 bits a binary fraction of a second.
func MsgIDTime(id int64) time.Time {
	frac := uint64(uint32(id))
	return time.Unix(id>>32, int64(frac*1e9>>32))
}

// msgIDAt returns the msg_id for time t with the two low bits cleared. A time a msg_id cannot
// hold gives the first id (before 1970) or the first of the last second (from 2^31 s on), so
// a clock far off still numbers positive ids in its order, and the server answers them with
// bad_msg_notification 16 or 17 as it should.
func msgIDAt(t time.Time) int64 {
	switch sec := t.Unix(); {
	case sec < 0:
		return 0
	case sec >= msgIDSecondsEnd:
		return (msgIDSecondsEnd - 1) << 32
	}
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return (t.Unix()<<32 | int64(frac)) &^ 3
}

// idGen hands out strictly increasing message ids from the server-corrected clock.
type idGen struct {
	last int64 // last id handed out, 0 before the first
}

// next returns a new id for a message sent at server time now; kind is one of idClient,
// idServerAnswer or idServerOther. Two ids in the same tick are 4 apart, so ids stay unique
// and ordered whatever the clock does.
func (g *idGen) next(now time.Time, kind int64) int64 {
	g.last = nextMsgID(g.last, now, kind)
	return g.last
}

// NextMsgID returns the msg_id that follows last for a message sent at now: from a client
// (divisible by 4) or, with answer set, a server's answer (1 mod 4). session/exchange numbers
// its unencrypted messages with it.
func NextMsgID(last int64, now time.Time, answer bool) int64 {
	kind := int64(idClient)
	if answer {
		kind = idServerAnswer
	}
	return nextMsgID(last, now, kind)
}

func nextMsgID(last int64, now time.Time, kind int64) int64 {
	base := msgIDAt(now)
	if l := last &^ 3; base <= l {
		base = l + 4
	}
	return base | kind
}

// seqGen numbers outgoing messages: content-related messages get odd seqnos and advance the
// counter, others repeat the current even value.
type seqGen struct {
	content int32 // content-related messages sent so far
}

func (s *seqGen) next(contentRelated bool) int32 {
	if !contentRelated {
		return s.content * 2
	}
	n := s.content*2 + 1
	s.content++
	return n
}
