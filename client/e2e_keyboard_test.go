package mtgo_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// TestE2EKeyboards has a bot answer /start with an inline keyboard, a reply keyboard, a
// force reply and a keyboard removal, all typed, and checks that the user receives the same
// typed values; then the bot replaces the inline keyboard with WithKeyboard, and an invalid
// keyboard fails before anything is sent.
func TestE2EKeyboards(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_keys_bot")
	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Kim", Phone: "15551177"})

	rights := &types.AdminRights{InviteUsers: true, PinMessages: true}
	inline := types.NewInlineKeyboard().
		Row(types.CallbackButton("Yes", "yes"), types.PasswordCallbackButton("Give", "give")).
		Row(types.URLButton("Docs", "https://go.dev"), types.WebAppButton("App", "https://app.example")).
		Row(types.SwitchInlineCurrentChatButton("Here", "q"),
			types.SwitchInlineChosenChatButton("Pick", "q", types.InlinePeerUsers, types.InlinePeerGroups)).
		Row(types.CopyTextButton("Copy", "X1-Y2"), types.UserProfileButton("Profile", user.ID),
			types.InlineCallback{Text: "Styled", Data: []byte("s"), Style: types.ButtonStyle{Color: types.ButtonSuccess}}).
		Row(types.LoginURLButton("Log in", "https://site.example/auth"))
	reply := types.NewReplyKeyboard().
		Row(types.TextButton("Menu"), types.ContactButton("Phone"), types.LocationButton("Where")).
		Row(types.PollButton("Quiz", types.PollRequestQuiz), types.RequestUsersButton("Friends", 1, 3)).
		Row(types.ReplyRequestChat{Text: "Group", RequestID: 2, BotParticipant: true, Forum: types.RequireFalse, UserRights: rights},
			types.RequestChannelButton("Channel", 3), types.ReplyWebAppButton("App", "https://app.example"))
	reply.Resize, reply.OneTime, reply.Persistent, reply.Placeholder = true, true, true, "Pick one 😀"
	force := &types.ForceReply{Placeholder: "Your name", Selective: true}
	remove := &types.RemoveKeyboard{}
	sends := []struct {
		text   string
		markup types.ReplyMarkup
	}{{"inline", inline}, {"reply", reply}, {"force", force}, {"remove", remove}}
	// A login button comes back as the server stores it: with its button id (its place in
	// the keyboard) and no bot. The expectation is a copy: the bot's handler reads the sent
	// keyboards concurrently with the test.
	inlineWant := &types.InlineKeyboard{Rows: make([][]types.InlineButton, len(inline.Rows))}
	for i, row := range inline.Rows {
		inlineWant.Rows[i] = slices.Clone(row)
	}
	inlineWant.Rows[4][0] = types.InlineLoginURL{Text: "Log in", URL: "https://site.example/auth", ButtonID: 9, BotUnknown: true}
	wants := map[string]types.ReplyMarkup{"inline": inlineWant, "reply": reply, "force": force, "remove": remove}

	failures := make(chan error, 4)
	b.OnError(func(_ *mtgo.Context, err error) { failures <- err })
	b.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		for _, s := range sends {
			if _, err := ctx.Answer(s.text, mtgo.WithKeyboard(s.markup)); err != nil {
				return err
			}
		}
		return nil
	}, filters.Command("start"))
	got := make(chan *types.Message, 8)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	edited := make(chan *types.Message, 2)
	u.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil })

	if _, err := u.SendMessage(ctxT(t), "@e2e_keys_bot", "/start"); err != nil {
		t.Fatal(err)
	}
	var inlineMsg *types.Message
	for _, s := range sends {
		var m *types.Message
		select {
		case m = <-got:
		case err := <-failures:
			t.Fatal(err)
		}
		if m.Text != s.text {
			t.Fatalf("got %q, want %q", m.Text, s.text)
		}
		if diff := cmp.Diff(wants[s.text], m.ReplyMarkup); diff != "" {
			t.Fatalf("%s keyboard (-sent +received):\n%s", s.text, diff)
		}
		if s.text == "inline" {
			inlineMsg = m
		}
	}

	next := types.NewInlineKeyboard().Row(types.CallbackButton("Again", "again"))
	if _, err := b.EditMessageReplyMarkup(ctxT(t), user.ID, inlineMsg.ID, nil, mtgo.WithKeyboard(next)); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, edited, "keyboard edit"); m.ID != inlineMsg.ID || !cmp.Equal(types.ReplyMarkup(next), m.ReplyMarkup) {
		t.Fatalf("edited keyboard = %#v", m.ReplyMarkup)
	}

	bad := types.NewInlineKeyboard().Row(types.CallbackButton("Long", strings.Repeat("d", 65)))
	if _, err := b.SendMessage(ctxT(t), user.ID, "bad", mtgo.WithKeyboard(bad)); !errors.Is(err, types.ErrInvalidKeyboard) {
		t.Fatalf("send with 65 bytes of callback data: err = %v, want ErrInvalidKeyboard", err)
	}
	if _, err := b.SendMessage(ctxT(t), user.ID, "last"); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, got, "message after the invalid keyboard"); m.Text != "last" || m.ReplyMarkup != nil {
		t.Fatalf("after an invalid keyboard the user got %q (markup %#v), want \"last\"", m.Text, m.ReplyMarkup)
	}
}
