package updates

import (
	"fmt"
	"log/slog"
	"time"
)

// Sequence names one of the update sequences the engine tracks.
type Sequence uint8

// The sequences.
const (
	SequencePts     Sequence = iota + 1 // the account's pts (private chats, basic groups)
	SequenceQts                         // the account's qts (secret chats, bot-only updates)
	SequenceSeq                         // the seq of update containers
	SequenceChannel                     // one channel's pts
	SequenceAccount                     // pts, qts and seq together, as getState and getDifference see them
)

// String returns a short name of the sequence.
func (s Sequence) String() string {
	switch s {
	case SequencePts:
		return "pts"
	case SequenceQts:
		return "qts"
	case SequenceSeq:
		return "seq"
	case SequenceChannel:
		return "channel"
	case SequenceAccount:
		return "account"
	}
	return fmt.Sprintf("sequence(%d)", uint8(s))
}

// EventKind says what an Event reports.
type EventKind uint8

// The kinds of events.
const (
	// EventGap: an update did not fit its sequence; the engine holds it and waits for the
	// missing ones. Local is the local value, Remote the start of the held update.
	EventGap EventKind = iota + 1
	// EventRecoveryStarted: a difference request was made for a sequence. Reason says why.
	EventRecoveryStarted
	// EventRecoveryFinished: the sequence is up to date again. Updates counts the updates the
	// recovery delivered, Requests the difference calls made, Duration the time it took.
	EventRecoveryFinished
	// EventRecoveryFailed: a difference request failed; it is repeated after a backoff.
	EventRecoveryFailed
	// EventDifferenceTooLong: the server answered differenceTooLong or
	// channelDifferenceTooLong; updates in between are not available (Remote is the new pts).
	// A channel's is also reported when Leftovers handed to a running Manager (Resume) bring
	// the start the last engine had guessed for it (after updateChannelTooLong) below the
	// pts this engine had begun delivering it at (the saved one it caught up from, the start
	// of its own first push or first difference of it): the updates after Local up to
	// Remote, that pts, are not delivered (Reason says so; see the README). And when a
	// channel is dropped with updates held after a gap: they are delivered, the updates after
	// Local up to Remote, the held one's start, are not (Reason says so).
	EventDifferenceTooLong
	// EventChannelDropped: a channel became inaccessible and is no longer tracked. The
	// updates held for it are still delivered, in the same Output before the commit that
	// removes it; a Manager reports the event before it hands them to the Handler, so a Hook
	// sees it first. Local is the pts the channel reached, after them.
	EventChannelDropped
	// EventOverflow: a pending buffer reached its cap; instead of buffering more the engine
	// recovers the sequence by difference.
	EventOverflow
	// EventStateBehind: a difference (or getState) answer put a sequence below the local
	// value (Local), at Remote: the server is behind what was applied here (a rollback, a
	// stale replica). The engine keeps its own value, so nothing is delivered twice and the
	// next call starts where delivery stopped; an update the server numbers again at or
	// below it is dropped as a duplicate. Reported once per sequence until an answer reaches
	// the local value again.
	EventStateBehind
)

// String returns a short name of the kind.
func (k EventKind) String() string {
	switch k {
	case EventGap:
		return "gap"
	case EventRecoveryStarted:
		return "recovery started"
	case EventRecoveryFinished:
		return "recovery finished"
	case EventRecoveryFailed:
		return "recovery failed"
	case EventDifferenceTooLong:
		return "difference too long"
	case EventChannelDropped:
		return "channel dropped"
	case EventOverflow:
		return "pending overflow"
	case EventStateBehind:
		return "server state behind"
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Event is one observable thing the engine did. Fields that do not apply to a kind are zero.
type Event struct {
	Kind      EventKind
	Sequence  Sequence
	ChannelID int64 // for SequenceChannel
	Local     int32 // the local value of the sequence
	Remote    int32 // the value from the server that caused the event
	Reason    string
	Updates   int           // updates delivered by a finished recovery
	Requests  int           // difference requests made by a finished recovery
	Duration  time.Duration // how long a finished recovery took
	Failures  int           // failed requests in a row of a failed recovery, this one included
}

// Level is the level the engine logs the event at: failures and lost updates warn, a
// finished recovery informs, the rest is debug. A recovery that keeps failing (the network
// is down for hours, and the request is repeated after its backoff) warns at its 1st, 2nd,
// 4th, 8th... failure only, so an outage leaves a few records, not one per retry.
func (e Event) Level() slog.Level {
	switch e.Kind {
	case EventRecoveryFinished:
		return slog.LevelInfo
	case EventRecoveryFailed:
		if e.Failures > 1 && e.Failures&(e.Failures-1) != 0 {
			return slog.LevelDebug
		}
		return slog.LevelWarn
	case EventDifferenceTooLong, EventChannelDropped, EventOverflow, EventStateBehind:
		return slog.LevelWarn
	}
	return slog.LevelDebug
}

// LogValue reports the non-zero fields for slog.
func (e Event) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs, slog.String("kind", e.Kind.String()), slog.String("sequence", e.Sequence.String()))
	if e.ChannelID != 0 {
		attrs = append(attrs, slog.Int64("channel", e.ChannelID))
	}
	if e.Local != 0 || e.Remote != 0 {
		attrs = append(attrs, slog.Int64("local", int64(e.Local)), slog.Int64("remote", int64(e.Remote)))
	}
	if e.Reason != "" {
		attrs = append(attrs, slog.String("reason", e.Reason))
	}
	if e.Failures != 0 {
		attrs = append(attrs, slog.Int("failures", e.Failures))
	}
	if e.Kind == EventRecoveryFinished {
		attrs = append(attrs, slog.Int("updates", e.Updates), slog.Int("requests", e.Requests), slog.Duration("duration", e.Duration))
	}
	return slog.GroupValue(attrs...)
}

// Hook receives every event the Manager's engine reports. OnEvent runs on the Manager's loop and
// must return quickly.
type Hook interface {
	OnEvent(e Event)
}

// HookFunc adapts a function to Hook.
type HookFunc func(e Event)

// OnEvent calls f.
func (f HookFunc) OnEvent(e Event) { f(e) }
