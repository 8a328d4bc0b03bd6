package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func pollMedia(public, multiple bool, answers ...string) *tg.InputMediaPoll {
	p := tg.Poll{Question: tg.TextWithEntities{Text: "Which?"}, PublicVoters: public, MultipleChoice: multiple}
	for _, a := range answers {
		p.Answers = append(p.Answers, &tg.InputPollAnswer{Text: tg.TextWithEntities{Text: a}})
	}
	return &tg.InputMediaPoll{Poll: p}
}

// pollOf returns the poll media of a message pushed to a.
func pollOf(t *testing.T, a *account) (int32, *tg.MessageMediaPoll) {
	t.Helper()
	m := waitForNew(t, a)
	mp, ok := m.Media.(*tg.MessageMediaPoll)
	if !ok {
		t.Fatalf("account %d got %T, want a poll", a.id, m.Media)
	}
	return m.ID, mp
}

func TestPolls(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("poll_bot")
	alice := h.named("Alice", "alice_v", "79990007001")
	bob := h.user("Bob", "79990007002")
	grp, err := h.w.CreateChat(alice.id, "votes", bob.id, bot.id)
	if err != nil {
		t.Fatal(err)
	}
	gp := &tg.InputPeerChat{ChatID: grp.ID}
	sent, err := bot.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: gp, Media: pollMedia(true, false, "red", "blue"), RandomID: 5})
	if err != nil {
		t.Fatal(err)
	}
	botMsg := flatten([]tg.UpdatesClass{sent})[0].(*tg.UpdateMessageID).ID
	aliceMsg, mp := pollOf(t, alice)
	bobMsg, _ := pollOf(t, bob)
	if len(mp.Poll.Answers) != 2 || !mp.Results.Min {
		t.Fatalf("alice sees %+v before voting", mp)
	}
	option := mp.Poll.Answers[1].(*tg.PollAnswer).Option

	res, err := alice.api.MessagesSendVote(ctx(), &tg.MessagesSendVoteRequest{Peer: gp, MsgID: aliceMsg, Options: [][]byte{option}})
	if err != nil {
		t.Fatal(err)
	}
	var mine *tg.UpdateMessagePoll
	for _, u := range flatten([]tg.UpdatesClass{res}) {
		if u, ok := u.(*tg.UpdateMessagePoll); ok {
			mine = u
		}
	}
	if mine == nil || mine.Results.TotalVoters.Value != 1 || !mine.Results.Results[1].Chosen || mine.Results.Results[1].Voters.Value != 1 {
		t.Fatalf("alice's result %+v", mine)
	}
	// Bob has not voted: he gets the update with min results only.
	if u := waitFor[*tg.UpdateMessagePoll](t, bob); u.MsgID.Value != bobMsg || !u.Results.Min {
		t.Fatalf("bob sees %+v", u)
	}
	vote := waitFor[*tg.UpdateMessagePollVote](t, bot)
	want := &tg.UpdateMessagePollVote{PollID: mp.Poll.ID, Peer: &tg.PeerUser{UserID: alice.id}, Options: [][]byte{option}, Positions: []int32{1}, Qts: 1}
	if diff := cmp.Diff(want, vote); diff != "" {
		t.Fatalf("bot's vote update (-want +got):\n%s", diff)
	}
	// Retracting: no options.
	if _, err := alice.api.MessagesSendVote(ctx(), &tg.MessagesSendVoteRequest{Peer: gp, MsgID: aliceMsg}); err != nil {
		t.Fatal(err)
	}
	if v := waitFor[*tg.UpdateMessagePollVote](t, bot); len(v.Options) != 0 || v.Qts != 2 {
		t.Fatalf("retraction %+v", v)
	}

	plain := h.send(alice, gp, "not a poll").(*tg.UpdateShortSentMessage).ID
	bad := []struct {
		name string
		req  tg.MessagesSendVoteRequest
		want *RPCError
	}{
		{"no poll", tg.MessagesSendVoteRequest{Peer: gp, MsgID: plain, Options: [][]byte{option}}, world.ErrMessageIDInvalid},
		{"unknown option", tg.MessagesSendVoteRequest{Peer: gp, MsgID: aliceMsg, Options: [][]byte{[]byte("zz")}}, &RPCError{Code: 400, Message: "OPTION_INVALID"}},
		{"two on single choice", tg.MessagesSendVoteRequest{Peer: gp, MsgID: aliceMsg, Options: [][]byte{[]byte("0"), option}}, &RPCError{Code: 400, Message: "OPTION_INVALID"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := alice.api.MessagesSendVote(ctx(), &tt.req)
			wantRPC(t, err, tt.want)
		})
	}

	polls := []struct {
		name  string
		media *tg.InputMediaPoll
		want  string
	}{
		{"one answer", pollMedia(false, false, "a"), "POLL_ANSWERS_INVALID"},
		{"no question", &tg.InputMediaPoll{Poll: tg.Poll{Answers: pollMedia(false, false, "a", "b").Poll.Answers}}, "POLL_QUESTION_INVALID"},
		{"quiz without answer", func() *tg.InputMediaPoll { p := pollMedia(false, false, "a", "b"); p.Poll.Quiz = true; return p }(), "QUIZ_CORRECT_ANSWERS_EMPTY"},
		{"duplicate options", &tg.InputMediaPoll{Poll: tg.Poll{Question: tg.TextWithEntities{Text: "q"}, Answers: []tg.PollAnswerClass{
			&tg.PollAnswer{Text: tg.TextWithEntities{Text: "a"}, Option: []byte("x")}, &tg.PollAnswer{Text: tg.TextWithEntities{Text: "b"}, Option: []byte("x")},
		}}}, "POLL_OPTION_DUPLICATE"},
	}
	for _, tt := range polls {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: gp, Media: tt.media, RandomID: 9})
			wantRPC(t, err, &RPCError{Code: 400, Message: tt.want})
		})
	}

	// The bot stops its poll with an edit: votes are refused, everyone sees the results.
	closed := pollMedia(true, false, "red", "blue")
	closed.Poll.Closed = true
	if _, err := bot.api.MessagesEditMessage(ctx(), &tg.MessagesEditMessageRequest{Peer: gp, ID: botMsg, Media: closed}); err != nil {
		t.Fatal(err)
	}
	em := waitForEdit(t, bob).(*tg.UpdateEditMessage).Message.(*tg.Message).Media.(*tg.MessageMediaPoll)
	if !em.Poll.Closed || em.Results.Min {
		t.Fatalf("bob sees the stopped poll as %+v", em)
	}
	_, err = alice.api.MessagesSendVote(ctx(), &tg.MessagesSendVoteRequest{Peer: gp, MsgID: aliceMsg, Options: [][]byte{option}})
	wantRPC(t, err, &RPCError{Code: 400, Message: "MESSAGE_POLL_CLOSED"})
	_, err = bot.api.MessagesEditMessage(ctx(), &tg.MessagesEditMessageRequest{Peer: gp, ID: botMsg, Media: closed})
	wantRPC(t, err, world.ErrMessageNotModified)

	// A quiz: one vote, no second.
	quiz := pollMedia(false, false, "yes", "no")
	quiz.Poll.Quiz, quiz.CorrectAnswers, quiz.Solution, quiz.SolutionEntities = true, []int32{0}, tl.Some("because"), []tg.MessageEntityClass{}
	if _, err := bot.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: gp, Media: quiz, RandomID: 6}); err != nil {
		t.Fatal(err)
	}
	qid, qp := pollOf(t, alice)
	no := qp.Poll.Answers[1].(*tg.PollAnswer).Option
	res, err = alice.api.MessagesSendVote(ctx(), &tg.MessagesSendVoteRequest{Peer: gp, MsgID: qid, Options: [][]byte{no}})
	if err != nil {
		t.Fatal(err)
	}
	got := flatten([]tg.UpdatesClass{res})[0].(*tg.UpdateMessagePoll).Results
	if !got.Results[0].Correct || got.Results[1].Correct || !got.Results[1].Chosen || got.Solution.Value != "because" {
		t.Fatalf("quiz results %+v", got)
	}
	_, err = alice.api.MessagesSendVote(ctx(), &tg.MessagesSendVoteRequest{Peer: gp, MsgID: qid, Options: [][]byte{no}})
	wantRPC(t, err, &RPCError{Code: 400, Message: "REVOTE_NOT_ALLOWED"})
}
