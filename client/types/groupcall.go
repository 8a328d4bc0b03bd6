package types

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// GroupCall is a voice chat or live stream in a group or channel.
type GroupCall struct {
	// ID and AccessHash name the call in requests (see Input).
	ID, AccessHash int64
	// Title is the call's title, empty for none.
	Title string
	// ParticipantsCount is how many are in the call.
	ParticipantsCount int
	// RTMPStream is true for a live stream fed over RTMP (see mtgo's BroadcastStream).
	RTMPStream bool
	// StreamDC is the data center that serves a live stream's chunks; 0 when not given.
	StreamDC int
	// ScheduledAt is when a scheduled call starts; zero for a started call.
	ScheduledAt time.Time
	// Creator is true when the account created the call.
	Creator bool
	// Ended is true for a call that was discarded; Duration is then how long it ran.
	Ended    bool
	Duration time.Duration
	// Version counts the changes of the call's participant list.
	Version int
	// Raw is the object the call was built from.
	Raw tg.GroupCallClass
}

// NewGroupCall converts a tg.GroupCallClass; nil for nil.
func NewGroupCall(c tg.GroupCallClass) *GroupCall {
	switch c := c.(type) {
	case *tg.GroupCall:
		g := &GroupCall{
			ID: c.ID, AccessHash: c.AccessHash, Title: c.Title.Value, ParticipantsCount: int(c.ParticipantsCount),
			RTMPStream: c.RTMPStream, StreamDC: int(c.StreamDCID.Value), Creator: c.Creator, Version: int(c.Version), Raw: c,
		}
		if d, ok := c.ScheduleDate.Get(); ok {
			g.ScheduledAt = time.Unix(int64(d), 0)
		}
		return g
	case *tg.GroupCallDiscarded:
		return &GroupCall{ID: c.ID, AccessHash: c.AccessHash, Ended: true, Duration: time.Duration(c.Duration) * time.Second, Raw: c}
	}
	return nil
}

// Input names the call in requests.
func (g *GroupCall) Input() *tg.InputGroupCall {
	return &tg.InputGroupCall{ID: g.ID, AccessHash: g.AccessHash}
}

// GroupCallParticipant is someone in a group call.
type GroupCallParticipant struct {
	// User is the participant when it joined as itself; Chat when it joined as a channel.
	User *User
	Chat *Chat
	// JoinedAt is when it joined.
	JoinedAt time.Time
	// Muted is true when it cannot be heard (listeners of a live stream always are).
	Muted bool
	// Self is true for the account's own entry.
	Self bool
	// Left is true in an update that reports the participant leaving.
	Left bool
	// Source is its audio source id (SSRC).
	Source int32
}

// NewGroupCallParticipant converts p, naming it from e.
func NewGroupCallParticipant(p tg.GroupCallParticipant, e Entities) *GroupCallParticipant {
	out := &GroupCallParticipant{JoinedAt: time.Unix(int64(p.Date), 0), Muted: p.Muted, Self: p.Self, Left: p.Left, Source: p.Source}
	if u, ok := p.Peer.(*tg.PeerUser); ok {
		out.User = e.userOrID(u.UserID)
	} else if p.Peer != nil {
		out.Chat = e.Chat(p.Peer)
	}
	return out
}

// StreamChannel is one channel of a live stream: chunks at Scale (each lasting one second
// divided by 2^Scale) are available up to LastTimestamp (since the stream started).
type StreamChannel struct {
	Channel       int
	Scale         int
	LastTimestamp time.Duration
}

// ChunkDuration is how long one chunk of the channel lasts.
func (s StreamChannel) ChunkDuration() time.Duration {
	return time.Second >> min(max(s.Scale, 0), 30)
}

// RTMPURL is where to publish a live stream: the stream goes to URL + Key.
type RTMPURL struct {
	URL string
	// Key is secret: anyone holding it can stream into the chat.
	Key string
}

func (r RTMPURL) printable() redact.Fields {
	return redact.Of("types.RTMPURL", slog.String("URL", r.URL), slog.String("Key", redact.Text(r.Key)))
}

// String prints r without its key.
func (r RTMPURL) String() string { return r.printable().String() }

// Format implements fmt.Formatter so that no verb, %#v and %d included, prints the key.
func (r RTMPURL) Format(s fmt.State, verb rune) { r.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the key.
func (r RTMPURL) LogValue() slog.Value { return r.printable().LogValue() }

// MarshalJSON implements json.Marshaler without the key, for an RTMPURL held in a logged struct.
func (r RTMPURL) MarshalJSON() ([]byte, error) { return r.printable().MarshalJSON() }
