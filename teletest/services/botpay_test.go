package services

import (
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestGameErrors: who may send games and set scores, and what the world refuses.
func TestGameErrors(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("arcade_bot")
	other := h.bot("other_game_bot")
	alice := h.named("Alice", "alice_game", "79990009401")
	h.send(alice, alice.peerOf(bot), "/play")
	game := func(sn string) *tg.InputMediaGame {
		return &tg.InputMediaGame{ID: &tg.InputGameShortName{BotID: &tg.InputUserSelf{}, ShortName: sn}}
	}
	res, err := bot.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: bot.peerOf(alice), Media: game("tetris"), RandomID: 1})
	if err != nil {
		t.Fatal(err)
	}
	var gameID int32
	for _, u := range flatten([]tg.UpdatesClass{res}) {
		if nm, ok := u.(*tg.UpdateNewMessage); ok {
			gameID = nm.Message.(*tg.Message).ID
		}
	}
	aliceUser := inputUser(bot.peerOf(alice))
	tests := []struct {
		name string
		call func() error
		want *RPCError
	}{
		{"a person sends a game", func() error {
			_, err := alice.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: alice.peerOf(bot), Media: game("x"), RandomID: 2})
			return err
		}, world.ErrMediaInvalid},
		{"another bot's game", func() error {
			in := &tg.InputMediaGame{ID: &tg.InputGameShortName{BotID: inputUser(bot.peerOf(other)), ShortName: "x"}}
			_, err := bot.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: bot.peerOf(alice), Media: in, RandomID: 3})
			return err
		}, world.ErrGameBotInvalid},
		{"a person sets a score", func() error {
			_, err := alice.api.MessagesSetGameScore(ctx(), &tg.MessagesSetGameScoreRequest{Peer: alice.peerOf(bot), ID: gameID, UserID: &tg.InputUserSelf{}, Score: 1})
			return err
		}, world.ErrUserBotRequired},
		{"not a game message", func() error {
			_, err := bot.api.MessagesSetGameScore(ctx(), &tg.MessagesSetGameScoreRequest{Peer: bot.peerOf(alice), ID: gameID + 1, UserID: aliceUser, Score: 1})
			return err
		}, world.ErrMessageIDInvalid},
		{"negative score", func() error {
			_, err := bot.api.MessagesSetGameScore(ctx(), &tg.MessagesSetGameScoreRequest{Peer: bot.peerOf(alice), ID: gameID, UserID: aliceUser, Score: -1})
			return err
		}, world.ErrScoreInvalid},
		{"first score", func() error {
			_, err := bot.api.MessagesSetGameScore(ctx(), &tg.MessagesSetGameScoreRequest{Peer: bot.peerOf(alice), ID: gameID, UserID: aliceUser, Score: 5})
			return err
		}, nil},
		{"same score", func() error {
			_, err := bot.api.MessagesSetGameScore(ctx(), &tg.MessagesSetGameScoreRequest{Peer: bot.peerOf(alice), ID: gameID, UserID: aliceUser, Score: 5})
			return err
		}, world.ErrBotScoreNotModified},
		{"same score forced", func() error {
			_, err := bot.api.MessagesSetGameScore(ctx(), &tg.MessagesSetGameScoreRequest{Peer: bot.peerOf(alice), ID: gameID, UserID: aliceUser, Score: 5, Force: true})
			return err
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantRPC(t, err, tt.want)
		})
	}
	hs, err := bot.api.MessagesGetGameHighScores(ctx(), &tg.MessagesGetGameHighScoresRequest{Peer: bot.peerOf(alice), ID: gameID, UserID: aliceUser})
	if err != nil {
		t.Fatal(err)
	}
	if len(hs.Scores) != 1 || hs.Scores[0] != (tg.HighScore{Pos: 1, UserID: alice.id, Score: 5}) {
		t.Fatalf("scores %+v", hs.Scores)
	}
}

// TestStarsTransactionsPaging: transactions newest first, filtered and paged by offset.
func TestStarsTransactionsPaging(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("tip_bot")
	alice := h.named("Alice", "alice_tip", "79990009402")
	h.w.AddGiftStars(alice.id, 100)
	h.send(alice, alice.peerOf(bot), "/tip")
	for i := range 3 {
		h.randomID++
		res, err := bot.api.MessagesSendMedia(ctx(), &tg.MessagesSendMediaRequest{Peer: bot.peerOf(alice), Media: starsInvoice("tip", int64(i+1)), RandomID: h.randomID})
		if err != nil {
			t.Fatal(err)
		}
		_ = res
		var id int32
		for id == 0 { // skip the service messages of earlier payments
			if m, ok := waitFor[*tg.UpdateNewMessage](t, alice).Message.(*tg.Message); ok {
				id = m.ID
			}
		}
		in := &tg.InputInvoiceMessage{Peer: alice.peerOf(bot), MsgID: id}
		form, err := alice.api.PaymentsGetPaymentForm(ctx(), &tg.PaymentsGetPaymentFormRequest{Invoice: in})
		if err != nil {
			t.Fatal(err)
		}
		paid := async(func() (tg.PaymentsPaymentResultClass, error) {
			return alice.api.PaymentsSendStarsForm(ctx(), &tg.PaymentsSendStarsFormRequest{FormID: form.(*tg.PaymentsPaymentFormStars).FormID, Invoice: in})
		})
		q := waitFor[*tg.UpdateBotPrecheckoutQuery](t, bot)
		if _, err := bot.api.MessagesSetBotPrecheckoutResults(ctx(), &tg.MessagesSetBotPrecheckoutResultsRequest{QueryID: q.QueryID, Success: true}); err != nil {
			t.Fatal(err)
		}
		if r := <-paid; r.err != nil {
			t.Fatal(r.err)
		}
	}
	tests := []struct {
		name       string
		req        tg.PaymentsGetStarsTransactionsRequest
		who        *account
		want       []int64
		nextOffset string
	}{
		{"bot, first page", tg.PaymentsGetStarsTransactionsRequest{Limit: 2}, bot, []int64{3, 2}, "2"},
		{"bot, second page", tg.PaymentsGetStarsTransactionsRequest{Limit: 2, Offset: "2"}, bot, []int64{1}, ""},
		{"bot, ascending", tg.PaymentsGetStarsTransactionsRequest{Ascending: true}, bot, []int64{1, 2, 3}, ""},
		{"bot, outbound only", tg.PaymentsGetStarsTransactionsRequest{Outbound: true}, bot, nil, ""},
		{"alice, outbound", tg.PaymentsGetStarsTransactionsRequest{Outbound: true}, alice, []int64{-3, -2, -1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			req.Peer = &tg.InputPeerSelf{}
			st, err := tt.who.api.PaymentsGetStarsTransactions(ctx(), &req)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, tx := range st.History {
				got = append(got, tx.Amount.(*tg.StarsAmount).Amount)
			}
			if len(got) != len(tt.want) || st.NextOffset.Value != tt.nextOffset {
				t.Fatalf("amounts %v next %q, want %v next %q", got, st.NextOffset.Value, tt.want, tt.nextOffset)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("amounts %v, want %v", got, tt.want)
				}
			}
		})
	}
	_, err := alice.api.PaymentsGetStarsStatus(ctx(), &tg.PaymentsGetStarsStatusRequest{Peer: alice.peerOf(bot)})
	wantRPC(t, err, world.ErrPeerIDInvalid)
	_, err = alice.api.PaymentsGetStarsTransactions(ctx(), &tg.PaymentsGetStarsTransactionsRequest{Peer: &tg.InputPeerSelf{}, Offset: "x"})
	wantRPC(t, err, &RPCError{Code: 400, Message: "OFFSET_INVALID"})
}
