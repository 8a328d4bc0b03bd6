package types

import (
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// PollAnswer is a vote (or a retracted vote: no Options) in a non-anonymous poll, received by
// the bot that sent the poll.
type PollAnswer struct {
	// PollID is the poll.
	PollID int64
	// User is who voted, nil when a chat voted (see VoterChat).
	User *User
	// VoterChat is the chat that voted, nil otherwise.
	VoterChat *Chat
	// Options are the chosen options' values; empty when the vote was retracted.
	Options [][]byte
	// Raw is the update the value was built from.
	Raw *tg.UpdateMessagePollVote
}

// NewPollAnswer builds a PollAnswer from updateMessagePollVote; nil for any other update.
func NewPollAnswer(u tg.UpdateClass, e Entities) *PollAnswer {
	v, ok := u.(*tg.UpdateMessagePollVote)
	if !ok || v == nil {
		return nil
	}
	a := &PollAnswer{PollID: v.PollID, Options: v.Options, Raw: v}
	if p, ok := v.Peer.(*tg.PeerUser); ok {
		a.User = e.userOrID(p.UserID)
	} else {
		a.VoterChat = e.Chat(v.Peer)
	}
	return a
}

// Poll is the new state of a poll: its results, and the poll itself when it changed (closed).
type Poll struct {
	// ID is the poll.
	ID int64
	// Chat and MessageID name the message with the poll when the update says it; nil and 0
	// otherwise.
	Chat      *Chat
	MessageID int
	// Poll is the poll, nil when only the results changed.
	Poll *tg.Poll
	// Results are the poll's results.
	Results tg.PollResults
	Raw     *tg.UpdateMessagePoll

	// PollInfo is the poll and its results, typed (see pollmedia.go); the fields a
	// message's poll media has.
	PollInfo
}

// NewPoll builds a Poll from updateMessagePoll; nil for any other update.
func NewPoll(u tg.UpdateClass, e Entities) *Poll {
	p, ok := u.(*tg.UpdateMessagePoll)
	if !ok || p == nil {
		return nil
	}
	v := &Poll{ID: p.PollID, MessageID: int(p.MsgID.Value), Poll: p.Poll, Results: p.Results, Raw: p}
	v.PollInfo = newPollInfo(p.Poll, &p.Results)
	if p.Peer != nil {
		v.Chat = e.Chat(p.Peer)
	}
	return v
}
