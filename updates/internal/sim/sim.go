// Package sim is a simulated Telegram update source for property tests: an account with the
// pts and qts sequences and any number of channels, producing the pushes a client would
// receive and answering getState, getDifference and getChannelDifference from its history.
//
// Every event has a unique identity (see Identity) so a test can check that a client saw each
// one exactly once. The Server is safe for concurrent use.
package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Key names the sequence an event belongs to: 0 for the account's pts, -1 for its qts, a
// channel id otherwise.
type Key int64

// The account's sequences.
const (
	KeyPts Key = 0
	KeyQts Key = -1
)

// Event is one thing that happened on the server.
type Event struct {
	ID      string // unique identity, as Identity returns it for the delivered update
	Key     Key
	Pts     int32 // pts (or qts) after the event
	Count   int32
	Message bool // a new message (ordered per sequence); otherwise another sequenced update
	update  tg.UpdateClass
	msg     tg.MessageClass
	seq     int32 // seq of the push container, 0 for none
	after   state // account state after the event
}

type state struct{ pts, qts, seq, date int32 }

type channelLog struct {
	pts     int32
	events  []*Event
	private bool
}

// Server is the simulated account.
type Server struct {
	mu       sync.Mutex
	rng      *rand.Rand
	st       state
	account  []*Event
	channels map[int64]*channelLog
	order    []int64
	nextID   int32
	// Limit caps the events of one difference answer, so long gaps come in slices.
	Limit int
}

// New returns a server whose account starts at pts, qts and seq 100 and with the given
// channels, each at pts 1000.
func New(seed uint64, channels ...int64) *Server {
	s := &Server{
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		st:       state{pts: 100, qts: 100, seq: 100, date: 1_000_000},
		channels: make(map[int64]*channelLog),
		nextID:   1,
		Limit:    20,
	}
	for _, id := range channels {
		s.channels[id] = &channelLog{pts: 1000}
		s.order = append(s.order, id)
	}
	return s
}

// State returns the account state as updates.getState would.
func (s *Server) State() *tg.UpdatesState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &tg.UpdatesState{Pts: s.st.pts, Qts: s.st.qts, Seq: s.st.seq, Date: s.st.date}
}

// ChannelPts returns a channel's current pts.
func (s *Server) ChannelPts(id int64) int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[id]; ok {
		return c.pts
	}
	return 0
}

// Events returns every event so far, account first, then channels in creation order.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Event
	for _, e := range s.account {
		out = append(out, *e)
	}
	for _, id := range s.order {
		for _, e := range s.channels[id].events {
			out = append(out, *e)
		}
	}
	return out
}

// SetPrivate makes a channel inaccessible: its differences fail with CHANNEL_PRIVATE.
func (s *Server) SetPrivate(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[id]; ok {
		c.private = true
	}
}

// Step makes one random event happen and returns the push the client would receive for it.
// Channels are chosen with the given weight against the account's sequences.
func (s *Server) Step() tg.UpdatesClass {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.date++
	if len(s.order) > 0 && s.rng.IntN(2) == 0 {
		return s.channelEvent(s.order[s.rng.IntN(len(s.order))])
	}
	switch r := s.rng.IntN(10); {
	case r < 6:
		return s.accountMessage()
	case r < 8:
		return s.accountDelete()
	default:
		return s.botStopped()
	}
}

// Message makes a new private message happen and returns its push.
func (s *Server) Message() tg.UpdatesClass {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.date++
	return s.accountMessage()
}

// ChannelMessage makes a new message in a channel happen and returns its push.
func (s *Server) ChannelMessage(id int64) tg.UpdatesClass {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.date++
	return s.channelEvent(id)
}

func (s *Server) newID() int32 {
	id := s.nextID
	s.nextID++
	return id
}

func (s *Server) accountMessage() tg.UpdatesClass {
	id := s.newID()
	s.st.pts++
	user := int64(1 + s.rng.IntN(20))
	m := &tg.Message{ID: id, PeerID: &tg.PeerUser{UserID: user}, FromID: &tg.PeerUser{UserID: user}, Date: s.st.date, Message: fmt.Sprint("message ", id)}
	u := &tg.UpdateNewMessage{Message: m, Pts: s.st.pts, PtsCount: 1}
	e := &Event{ID: Identity(u), Key: KeyPts, Pts: s.st.pts, Count: 1, Message: true, update: u, msg: m}
	if s.rng.IntN(3) == 0 {
		s.record(e, 0)
		return &tg.UpdateShortMessage{ID: id, UserID: user, Message: m.Message, Pts: s.st.pts, PtsCount: 1, Date: s.st.date}
	}
	return s.container(e, []tg.UserClass{&tg.User{ID: user}})
}

func (s *Server) accountDelete() tg.UpdatesClass {
	n := int32(1 + s.rng.IntN(3))
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = s.newID()
	}
	s.st.pts += n
	u := &tg.UpdateDeleteMessages{Messages: ids, Pts: s.st.pts, PtsCount: n}
	return s.container(&Event{ID: Identity(u), Key: KeyPts, Pts: s.st.pts, Count: n, update: u}, nil)
}

func (s *Server) botStopped() tg.UpdatesClass {
	s.st.qts++
	u := &tg.UpdateBotStopped{UserID: int64(s.newID()), Date: s.st.date, Qts: s.st.qts}
	e := &Event{ID: Identity(u), Key: KeyQts, Pts: s.st.qts, Count: 1, update: u}
	if s.rng.IntN(2) == 0 {
		s.record(e, 0)
		return &tg.UpdateShort{Update: u, Date: s.st.date}
	}
	return s.container(e, nil)
}

// container wraps an account event into an updates container with the next seq.
func (s *Server) container(e *Event, users []tg.UserClass) tg.UpdatesClass {
	s.st.seq++
	s.record(e, s.st.seq)
	return &tg.Updates{Updates: []tg.UpdateClass{e.update}, Users: users, Date: s.st.date, Seq: s.st.seq}
}

func (s *Server) record(e *Event, seq int32) {
	e.seq = seq
	e.after = s.st
	s.account = append(s.account, e)
}

func (s *Server) channelEvent(ch int64) tg.UpdatesClass {
	c := s.channels[ch]
	var e *Event
	if s.rng.IntN(5) == 0 {
		n := int32(1 + s.rng.IntN(2))
		ids := make([]int32, n)
		for i := range ids {
			ids[i] = s.newID()
		}
		c.pts += n
		u := &tg.UpdateDeleteChannelMessages{ChannelID: ch, Messages: ids, Pts: c.pts, PtsCount: n}
		e = &Event{ID: Identity(u), Key: Key(ch), Pts: c.pts, Count: n, update: u}
	} else {
		id := s.newID()
		c.pts++
		m := &tg.Message{ID: id, PeerID: &tg.PeerChannel{ChannelID: ch}, Date: s.st.date, Message: fmt.Sprint("post ", id)}
		u := &tg.UpdateNewChannelMessage{Message: m, Pts: c.pts, PtsCount: 1}
		e = &Event{ID: Identity(u), Key: Key(ch), Pts: c.pts, Count: 1, Message: true, update: u, msg: m}
	}
	c.events = append(c.events, e)
	return &tg.Updates{
		Updates: []tg.UpdateClass{e.update},
		Chats:   []tg.ChatClass{&tg.Channel{ID: ch, AccessHash: tlSome(ch * 7), Title: "channel"}},
		Date:    s.st.date,
	}
}

// Difference answers updates.getDifference from the account's history: every event after the
// requested pts and qts, at most Limit of them per answer.
func (s *Server) Difference(req *tg.UpdatesGetDifferenceRequest) tg.UpdatesDifferenceClass {
	s.mu.Lock()
	defer s.mu.Unlock()
	var picked []*Event
	cut, more := -1, false
	for i, e := range s.account {
		if (e.Key == KeyPts && e.Pts > req.Pts) || (e.Key == KeyQts && e.Pts > req.Qts) {
			if len(picked) == s.Limit {
				more = true
				break
			}
			picked = append(picked, e)
			cut = i
		}
	}
	if len(picked) == 0 {
		return &tg.UpdatesDifferenceEmpty{Date: s.st.date, Seq: s.st.seq}
	}
	var msgs []tg.MessageClass
	var other []tg.UpdateClass
	for _, e := range picked {
		if e.msg != nil {
			msgs = append(msgs, e.msg)
		} else {
			other = append(other, e.update)
		}
	}
	if !more {
		st := tg.UpdatesState{Pts: s.st.pts, Qts: s.st.qts, Seq: s.st.seq, Date: s.st.date}
		return &tg.UpdatesDifference{NewMessages: msgs, OtherUpdates: other, State: st}
	}
	at := s.account[cut].after
	st := tg.UpdatesState{Pts: max(at.pts, req.Pts), Qts: max(at.qts, req.Qts), Seq: at.seq, Date: at.date}
	return &tg.UpdatesDifferenceSlice{NewMessages: msgs, OtherUpdates: other, IntermediateState: st}
}

// ChannelDifference answers updates.getChannelDifference from a channel's history.
func (s *Server) ChannelDifference(id int64, pts, limit int32) (tg.UpdatesChannelDifferenceClass, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok {
		return nil, rpcerr.Parse(400, "CHANNEL_INVALID")
	}
	if c.private {
		return nil, rpcerr.Parse(400, "CHANNEL_PRIVATE")
	}
	n := s.Limit
	if limit > 0 && int(limit) < n {
		n = int(limit)
	}
	var msgs []tg.MessageClass
	var other []tg.UpdateClass
	at, count, final := pts, 0, true
	for _, e := range c.events {
		if e.Pts <= pts {
			continue
		}
		if count == n {
			final = false
			break
		}
		if e.msg != nil {
			msgs = append(msgs, e.msg)
		} else {
			other = append(other, e.update)
		}
		at = e.Pts
		count++
	}
	if count == 0 {
		return &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: max(pts, c.pts)}, nil
	}
	return &tg.UpdatesChannelDifference{Final: final, Pts: at, NewMessages: msgs, OtherUpdates: other,
		Chats: []tg.ChatClass{&tg.Channel{ID: id, AccessHash: tlSome(id * 7), Title: "channel"}}}, nil
}

// UpdatesGetState implements the updates API.
func (s *Server) UpdatesGetState(ctx context.Context, _ *tg.UpdatesGetStateRequest) (*tg.UpdatesState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.State(), nil
}

// UpdatesGetDifference implements the updates API.
func (s *Server) UpdatesGetDifference(ctx context.Context, req *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Difference(req), nil
}

// UpdatesGetChannelDifference implements the updates API; the access hash must be the one the
// server hands out (seven times the id).
func (s *Server) UpdatesGetChannelDifference(ctx context.Context, req *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in, ok := req.Channel.(*tg.InputChannel)
	if !ok || in.AccessHash != in.ChannelID*7 {
		return nil, rpcerr.Parse(400, "CHANNEL_INVALID")
	}
	return s.ChannelDifference(in.ChannelID, req.Pts, req.Limit)
}

// Identity names an update (or the update a difference makes of a message) independently of
// how it reached the client: new messages by id, deletions by their ids, bot stops by user.
func Identity(u tg.UpdateClass) string {
	switch u := u.(type) {
	case *tg.UpdateNewMessage:
		return fmt.Sprint("m", MessageID(u.Message))
	case *tg.UpdateNewChannelMessage:
		return fmt.Sprint("m", MessageID(u.Message))
	case *tg.UpdateDeleteMessages:
		return fmt.Sprint("d", u.Messages)
	case *tg.UpdateDeleteChannelMessages:
		return fmt.Sprint("d", u.Messages)
	case *tg.UpdateBotStopped:
		return fmt.Sprint("s", u.UserID)
	}
	return u.TypeName()
}

// MessageID returns the id of any message constructor, -1 for nil.
func MessageID(m tg.MessageClass) int32 {
	switch m := m.(type) {
	case *tg.Message:
		return m.ID
	case *tg.MessageService:
		return m.ID
	case *tg.MessageEmpty:
		return m.ID
	}
	return -1
}

func tlSome(v int64) tl.Opt[int64] { return tl.Some(v) }
