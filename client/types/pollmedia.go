package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// PollInfo is a poll and its results, typed: the body of a Poll, whether it came as a
// message's media or in an update.
type PollInfo struct {
	// Question and QuestionEntities are the poll's question.
	Question         string
	QuestionEntities []tg.MessageEntityClass
	// Options are the answers, in order, with their counts when the results say them.
	Options []PollOption
	// TotalVoters is the number of users who voted.
	TotalVoters int
	// IsClosed, IsAnonymous (votes are not public), AllowsMultipleAnswers and IsQuiz
	// mirror the poll's flags.
	IsClosed, IsAnonymous, AllowsMultipleAnswers, IsQuiz bool
	// CorrectOption is the index of a quiz's correct option, -1 when unknown (before the
	// account voted, or not a quiz).
	CorrectOption int
	// Explanation and ExplanationEntities are a quiz's explanation, shown after a vote.
	Explanation         string
	ExplanationEntities []tg.MessageEntityClass
	// OpenPeriod is how long the poll stays open after it was created, in seconds, 0 if not
	// limited; CloseDate when it closes, zero if not set.
	OpenPeriod int
	CloseDate  time.Time
}

// PollOption is one answer of a poll.
type PollOption struct {
	Text     string
	Entities []tg.MessageEntityClass
	// Data is the option's value, what votes carry.
	Data []byte
	// VoterCount is the number of votes for the option (0 while the results are hidden).
	VoterCount int
	// Chosen is true when the account voted for it; Correct for a quiz's correct option
	// once known.
	Chosen, Correct bool
}

// Kind returns KindPoll.
func (*Poll) Kind() MediaKind { return KindPoll }

// newPollInfo types poll p with results r (either may be nil).
func newPollInfo(p *tg.Poll, r *tg.PollResults) PollInfo {
	info := PollInfo{CorrectOption: -1}
	if p != nil {
		info.Question, info.QuestionEntities = p.Question.Text, p.Question.Entities
		info.IsClosed, info.IsAnonymous = p.Closed, !p.PublicVoters
		info.AllowsMultipleAnswers, info.IsQuiz = p.MultipleChoice, p.Quiz
		info.OpenPeriod, info.CloseDate = int(p.ClosePeriod.Value), unix(p.CloseDate.Value)
		info.Options = make([]PollOption, 0, len(p.Answers))
		for _, a := range p.Answers {
			if a, ok := a.(*tg.PollAnswer); ok {
				info.Options = append(info.Options, PollOption{Text: a.Text.Text, Entities: a.Text.Entities, Data: a.Option})
			}
		}
	}
	if r == nil {
		return info
	}
	info.TotalVoters = int(r.TotalVoters.Value)
	info.Explanation, info.ExplanationEntities = r.Solution.Value, r.SolutionEntities
	for _, v := range r.Results {
		for i := range info.Options {
			o := &info.Options[i]
			if string(o.Data) != string(v.Option) {
				continue
			}
			o.VoterCount, o.Chosen, o.Correct = int(v.Voters.Value), v.Chosen, v.Correct
			if v.Correct {
				info.CorrectOption = i
			}
		}
	}
	return info
}

// newPollMedia builds the Poll of messageMediaPoll.
func newPollMedia(md *tg.MessageMediaPoll, chat *Chat, msgID int) *Poll {
	return &Poll{
		ID: md.Poll.ID, Chat: chat, MessageID: msgID, Poll: &md.Poll, Results: md.Results,
		PollInfo: newPollInfo(&md.Poll, &md.Results),
	}
}
