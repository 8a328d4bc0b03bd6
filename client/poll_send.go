package mtgo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Telegram's poll limits.
const (
	MaxPollQuestion = 300 // characters
	MaxPollAnswer   = 100 // characters per answer
	MinPollAnswers  = 2
	MaxPollAnswers  = 12
)

var (
	// ErrPoll reports a poll SendPoll cannot send: an empty or too long question or answer,
	// too few or too many answers, a quiz without a valid right answer or with several
	// answers allowed, an open period outside 5 s to 10 min.
	ErrPoll = errors.New("mtgo: invalid poll")
	// ErrNoPoll reports a message without a poll given to VotePoll, RetractVote or StopPoll.
	ErrNoPoll = errors.New("mtgo: message has no poll")
	// ErrPollOption reports a VotePoll option index outside the poll's answers.
	ErrPollOption = errors.New("mtgo: no such poll option")
)

// SendPoll sends a poll with question and answers to chat (anything ResolvePeer accepts).
// WithPublicVoters, WithMultipleAnswers, WithQuiz, WithOpenPeriod, WithCloseDate and
// WithClosed shape it; the other SendOptions apply as for SendMessage.
func (c *Client) SendPoll(ctx context.Context, chat any, question string, answers []string, opts ...SendOption) (*types.Message, error) {
	p := option.CollectSend(opts)
	in, err := pollMedia(question, answers, p.Poll)
	if err != nil {
		return nil, err
	}
	if p.Poll.Quiz && p.Poll.Explanation != "" {
		s, ents, err := c.messageText(ctx, p.Poll.Explanation, p.Text)
		if err != nil {
			return nil, err
		}
		in.Solution, in.SolutionEntities = tl.Some(s), ents
	}
	what := "poll"
	if p.Poll.Quiz {
		what = "quiz"
	}
	return c.sendValue(ctx, what, chat, in, opts)
}

// pollMedia checks a poll and builds what messages.sendMedia takes (without the quiz's
// explanation, which needs the parse mode).
func pollMedia(question string, answers []string, po option.Poll) (*tg.InputMediaPoll, error) {
	if n := utf8.RuneCountInString(question); n == 0 || n > MaxPollQuestion {
		return nil, fmt.Errorf("%w: question of %d characters (1 to %d)", ErrPoll, n, MaxPollQuestion)
	}
	if len(answers) < MinPollAnswers || len(answers) > MaxPollAnswers {
		return nil, fmt.Errorf("%w: %d answers (%d to %d)", ErrPoll, len(answers), MinPollAnswers, MaxPollAnswers)
	}
	poll := tg.Poll{
		Question: tg.TextWithEntities{Text: question, Entities: []tg.MessageEntityClass{}},
		Closed:   po.Closed, PublicVoters: po.Public, MultipleChoice: po.Multiple, Quiz: po.Quiz,
	}
	for i, a := range answers {
		if n := utf8.RuneCountInString(a); n == 0 || n > MaxPollAnswer {
			return nil, fmt.Errorf("%w: answer %d of %d characters (1 to %d)", ErrPoll, i, n, MaxPollAnswer)
		}
		poll.Answers = append(poll.Answers, &tg.PollAnswer{
			Text: tg.TextWithEntities{Text: a, Entities: []tg.MessageEntityClass{}}, Option: []byte(strconv.Itoa(i)),
		})
	}
	if po.OpenFor != 0 {
		if po.OpenFor < 5*time.Second || po.OpenFor > 10*time.Minute {
			return nil, fmt.Errorf("%w: open period %v (5s to 10m)", ErrPoll, po.OpenFor)
		}
		poll.ClosePeriod = tl.Some(int32(po.OpenFor / time.Second))
	}
	var err error
	if poll.CloseDate, err = tgdate.Opt("close date", po.CloseAt); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPoll, err)
	}
	in := &tg.InputMediaPoll{Poll: poll}
	if po.Quiz {
		if po.Multiple {
			return nil, fmt.Errorf("%w: a quiz has one right answer", ErrPoll)
		}
		if po.Correct < 0 || po.Correct >= len(answers) {
			return nil, fmt.Errorf("%w: right answer %d of %d", ErrPoll, po.Correct, len(answers))
		}
		in.CorrectAnswers = []int32{int32(po.Correct)}
	}
	return in, nil
}

// messagePoll fetches message id of ip and returns its poll.
func (c *Client) messagePoll(ctx context.Context, ip tg.InputPeerClass, id int) (*tg.MessageMediaPoll, error) {
	m, err := c.fetchMessage(ctx, ip, id)
	if err != nil {
		return nil, err
	}
	pl, ok := m.Media.(*tg.MessageMediaPoll)
	if !ok {
		return nil, fmt.Errorf("%w: message %d", ErrNoPoll, id)
	}
	return pl, nil
}

// VotePoll votes for the answers at indexes options (0 is the first answer) in the poll of
// message messageID in chat and returns the poll's new state.
func (c *Client) VotePoll(ctx context.Context, chat any, messageID int, options ...int) (*types.Poll, error) {
	if len(options) == 0 {
		return nil, fmt.Errorf("%w: no option chosen (RetractVote retracts)", ErrPollOption)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	pl, err := c.messagePoll(ctx, ip, messageID)
	if err != nil {
		return nil, err
	}
	chosen := make([][]byte, len(options))
	for i, o := range options {
		if o < 0 || o >= len(pl.Poll.Answers) {
			return nil, fmt.Errorf("%w: %d of %d", ErrPollOption, o, len(pl.Poll.Answers))
		}
		a, ok := pl.Poll.Answers[o].(*tg.PollAnswer)
		if !ok {
			return nil, fmt.Errorf("%w: answer %d has no option", ErrPollOption, o)
		}
		chosen[i] = a.Option
	}
	return c.sendVote(ctx, ip, messageID, chosen)
}

// RetractVote takes back the account's vote in the poll of message messageID in chat and
// returns the poll's new state.
func (c *Client) RetractVote(ctx context.Context, chat any, messageID int) (*types.Poll, error) {
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	return c.sendVote(ctx, ip, messageID, [][]byte{})
}

func (c *Client) sendVote(ctx context.Context, ip tg.InputPeerClass, id int, options [][]byte) (*types.Poll, error) {
	id32, err := wireMessageID(id)
	if err != nil {
		return nil, fmt.Errorf("mtgo: vote: %w", err)
	}
	var res tg.UpdatesClassBox
	if err := c.call(ctx, &tg.MessagesSendVoteRequest{Peer: ip, MsgID: id32, Options: options}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: vote: %w", err)
	}
	list, users, chats, _ := updatesParts(res.Updates)
	e := types.NewEntities(users, chats)
	for _, u := range list {
		if p := types.NewPoll(u, e); p != nil {
			return p, nil
		}
	}
	return nil, fmt.Errorf("mtgo: vote: %w", ErrNoMessageUpdates)
}

// StopPoll closes the poll of message messageID in chat (the account's own) and returns the
// edited message; EditOptions apply as for EditMessageText (reply markup,
// WithBusinessConnection for a poll a business account sent).
func (c *Client) StopPoll(ctx context.Context, chat any, messageID int, opts ...EditOption) (*types.Message, error) {
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	if option.CollectEdit(opts).BusinessConnectionID != "" {
		// The business account's message cannot be fetched; a closed poll with no id,
		// question or answers closes whatever poll the message holds.
		return c.editMessage(ctx, ip, messageID, nil, nil, &tg.InputMediaPoll{Poll: tg.Poll{Closed: true}}, opts)
	}
	pl, err := c.messagePoll(ctx, ip, messageID)
	if err != nil {
		return nil, err
	}
	poll := pl.Poll
	poll.Closed = true
	return c.editMessage(ctx, ip, messageID, nil, nil, &tg.InputMediaPoll{Poll: poll}, opts)
}
