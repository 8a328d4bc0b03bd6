package world

import (
	"bytes"
	"strconv"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Telegram's poll limits.
const (
	MaxPollAnswers     = 12
	maxPollQuestion    = 300
	maxPollAnswer      = 100
	maxPollRecentVoter = 3
)

// poll is a poll shared by every copy of the message (and its forwards).
type poll struct {
	id       int64
	author   int64
	question tg.TextWithEntities
	answers  []tg.PollAnswer
	multiple bool
	quiz     bool
	public   bool
	closed   bool
	correct  int // quiz: index of the correct answer
	solution string
	votes    map[int64][]int // voter -> chosen answer indices
	order    []int64         // voters, least recent first
}

// newPoll checks an inputMediaPoll a sends (under w.mu).
func (w *World) newPoll(a *account, in *tg.InputMediaPoll) (*media, error) {
	p := in.Poll
	q := p.Question.Text
	if q == "" || len([]rune(q)) > maxPollQuestion {
		return nil, rpcErr(400, "POLL_QUESTION_INVALID")
	}
	if len(p.Answers) < 2 || len(p.Answers) > MaxPollAnswers {
		return nil, rpcErr(400, "POLL_ANSWERS_INVALID")
	}
	out := &poll{
		id: w.randomInt64(), author: a.id, question: p.Question, multiple: p.MultipleChoice,
		quiz: p.Quiz, public: p.PublicVoters, closed: p.Closed, solution: in.Solution.Value,
		votes: map[int64][]int{},
	}
	if out.question.Entities == nil {
		out.question.Entities = []tg.MessageEntityClass{}
	}
	seen := map[string]bool{}
	for i, ans := range p.Answers {
		var text tg.TextWithEntities
		option := []byte(strconv.Itoa(i))
		switch ans := ans.(type) {
		case *tg.PollAnswer:
			text, option = ans.Text, ans.Option
		case *tg.InputPollAnswer:
			text = ans.Text
		default:
			return nil, rpcErr(400, "POLL_ANSWER_INVALID")
		}
		if text.Text == "" || len([]rune(text.Text)) > maxPollAnswer || len(option) == 0 || len(option) > 100 {
			return nil, rpcErr(400, "POLL_ANSWER_INVALID")
		}
		if seen[string(option)] {
			return nil, rpcErr(400, "POLL_OPTION_DUPLICATE")
		}
		seen[string(option)] = true
		if text.Entities == nil {
			text.Entities = []tg.MessageEntityClass{}
		}
		out.answers = append(out.answers, tg.PollAnswer{Text: text, Option: bytes.Clone(option)})
	}
	if out.quiz {
		if out.multiple {
			return nil, rpcErr(400, "QUIZ_MULTIPLE_INVALID")
		}
		if len(in.CorrectAnswers) != 1 {
			return nil, rpcErr(400, "QUIZ_CORRECT_ANSWERS_EMPTY")
		}
		if c := in.CorrectAnswers[0]; c < 0 || int(c) >= len(out.answers) {
			return nil, rpcErr(400, "QUIZ_CORRECT_ANSWER_INVALID")
		}
		out.correct = int(in.CorrectAnswers[0])
	}
	return &media{poll: out}, nil
}

// tg renders the poll itself.
func (p *poll) tg() tg.Poll {
	answers := make([]tg.PollAnswerClass, len(p.answers))
	for i := range p.answers {
		a := p.answers[i]
		answers[i] = &a
	}
	return tg.Poll{
		ID: p.id, Closed: p.closed, PublicVoters: p.public, MultipleChoice: p.multiple, Quiz: p.quiz,
		Question: p.question, Answers: answers,
	}
}

// results renders the results as viewer sees them: counts once viewer voted (or the poll is
// closed, or viewer made it), with the viewer's choice and the quiz's correct answer.
func (p *poll) results(viewer int64) tg.PollResults {
	mine, voted := p.votes[viewer]
	if !voted && !p.closed && viewer != p.author {
		return tg.PollResults{Min: true}
	}
	counts := make([]int32, len(p.answers))
	for _, chosen := range p.votes {
		for _, i := range chosen {
			counts[i]++
		}
	}
	out := tg.PollResults{TotalVoters: tl.Some(int32(len(p.votes)))}
	for i, ans := range p.answers {
		v := tg.PollAnswerVoters{Option: ans.Option, Voters: tl.Some(counts[i]), RecentVoters: []tg.PeerClass{}}
		for _, c := range mine {
			if c == i {
				v.Chosen = true
			}
		}
		v.Correct = p.quiz && i == p.correct
		out.Results = append(out.Results, v)
	}
	if p.public {
		for i := len(p.order) - 1; i >= 0 && len(out.RecentVoters) < maxPollRecentVoter; i-- {
			out.RecentVoters = append(out.RecentVoters, &tg.PeerUser{UserID: p.order[i]})
		}
	}
	if p.quiz && p.solution != "" {
		out.Solution, out.SolutionEntities = tl.Some(p.solution), []tg.MessageEntityClass{}
	}
	return out
}

// Vote is messages.sendVote.
type Vote struct {
	Peer    tg.InputPeerClass
	MsgID   int32
	Options [][]byte // empty retracts the vote
}

// SendVote answers messages.sendVote: the account on key votes in the poll of a message
// (or retracts its vote with no options). The holders of the message get updateMessagePoll
// with the results as they see them (the caller in its result); the bot that made the poll
// gets updateMessagePollVote (public polls, with the voter and the chosen options and
// positions) with its next qts. MESSAGE_ID_INVALID for a message without a poll,
// MESSAGE_POLL_CLOSED, OPTION_INVALID (unknown or repeated option, several on a
// single-choice poll), REVOTE_NOT_ALLOWED (quizzes).
func (w *World) SendVote(key KeyID, v Vote) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, v.Peer)
	if err != nil {
		return nil, err
	}
	m, err := w.messageIn(a, p, v.MsgID)
	if err != nil {
		return nil, err
	}
	if m.media == nil || m.media.poll == nil {
		return nil, ErrMessageIDInvalid
	}
	pl := m.media.poll
	if pl.closed {
		return nil, rpcErr(400, "MESSAGE_POLL_CLOSED")
	}
	if len(v.Options) > 1 && !pl.multiple {
		return nil, rpcErr(400, "OPTION_INVALID")
	}
	chosen := make([]int, 0, len(v.Options))
	for _, opt := range v.Options {
		i := -1
		for j, ans := range pl.answers {
			if bytes.Equal(ans.Option, opt) {
				i = j
			}
		}
		for _, c := range chosen {
			if c == i {
				i = -1
			}
		}
		if i < 0 {
			return nil, rpcErr(400, "OPTION_INVALID")
		}
		chosen = append(chosen, i)
	}
	if _, voted := pl.votes[a.id]; voted && pl.quiz {
		return nil, rpcErr(400, "REVOTE_NOT_ALLOWED")
	}
	for i, uid := range pl.order {
		if uid == a.id {
			pl.order = append(pl.order[:i:i], pl.order[i+1:]...)
			break
		}
	}
	if len(chosen) == 0 {
		delete(pl.votes, a.id)
	} else {
		pl.votes[a.id] = chosen
		pl.order = append(pl.order, a.id)
	}
	now := w.now()
	var result *tg.Updates
	for _, h := range w.holders(a, p, m) {
		if h.owner.bot {
			continue // bots hear of votes only in polls they made (below)
		}
		var r refs
		r.add(h.msg.peer)
		u := &tg.UpdateMessagePoll{
			Peer: peerTG(h.msg.peer), MsgID: tl.Some(h.msg.id), PollID: pl.id, Results: pl.results(h.owner.id),
		}
		ups := w.longUpdates(h.owner.id, []tg.UpdateClass{u}, &r, now)
		w.push(h.owner.id, key, ups)
		if h.owner.id == a.id {
			result = ups
		}
	}
	if author := w.users[pl.author]; author != nil && author.bot && pl.public {
		options := make([][]byte, len(chosen))
		positions := make([]int32, len(chosen))
		for i, c := range chosen {
			options[i], positions[i] = pl.answers[c].Option, int32(c)
		}
		var r refs
		r.add(UserPeer(a.id))
		u := w.appendNumbered(&author.box.qlog, &author.qts, 1, now, func(qts int32) tg.UpdateClass {
			return &tg.UpdateMessagePollVote{PollID: pl.id, Peer: &tg.PeerUser{UserID: a.id}, Options: options, Positions: positions, Qts: qts}
		}, r.order)
		w.push(author.id, KeyID{}, w.longUpdates(author.id, []tg.UpdateClass{u}, &r, now))
	}
	if result == nil {
		var r refs
		r.add(p)
		u := &tg.UpdateMessagePoll{Peer: peerTG(p), MsgID: tl.Some(m.id), PollID: pl.id, Results: pl.results(a.id)}
		result = w.longUpdates(a.id, []tg.UpdateClass{u}, &r, now)
	}
	return result, nil
}
