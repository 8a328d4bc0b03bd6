package teletest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The testing kit for users' bots: New and the helpers a bot's test needs around a
// Scenario (a bot account for the client under test, forums, joining and leaving, pressing
// a button by its text, edits). See "Testing your bot" in the README.

// New starts an in-process Telegram for the test in one line and returns the scenario that
// drives it; everything stops when the test ends. cfg, at most one, adjusts the cluster
// (faults such as Config.BotTimeout, the number of data centers); the defaults suit a bot's
// test.
//
//	tg := teletest.New(t)
//	bot := tg.BotAccount(world.BotSpec{Username: "my_bot"}) // your client logs in with bot.Token
//	alice := tg.User("alice")
func New(tb testing.TB, cfg ...Config) *Scenario {
	tb.Helper()
	if len(cfg) > 1 {
		tb.Fatalf("teletest: New takes at most one Config, got %d", len(cfg))
	}
	var c Config
	if len(cfg) == 1 {
		c = cfg[0]
	}
	return NewScenario(tb, c)
}

// BotAccount creates a bot for a client under test to log in as (with BotAccount(...).Token
// against Addrs and PublicKeys) and returns it as a Someone, the way actors reach it. Use
// Bot instead when the test itself plays the bot.
func (s *Scenario) BotAccount(spec world.BotSpec) Someone {
	s.tb.Helper()
	if spec.FirstName == "" {
		spec.FirstName = spec.Username
	}
	u, err := s.cl.world.CreateBot(spec)
	if err != nil {
		s.tb.Fatalf("teletest: create bot %q: %v", spec.Username, err)
	}
	return Someone{User: u}
}

// UserAccount creates a person for a client under test to log in as (phone number
// UserAccount(...).Phone; the login code is LoginCode's) and returns it as a Someone.
func (s *Scenario) UserAccount(spec world.UserSpec) Someone {
	s.tb.Helper()
	n := s.next()
	if spec.Username == "" {
		spec.Username = username(spec.FirstName, n)
	}
	if spec.Phone == "" {
		spec.Phone = fmt.Sprintf("999%07d", n)
	}
	u, err := s.cl.world.CreateUser(spec)
	if err != nil {
		s.tb.Fatalf("teletest: create user %q: %v", spec.FirstName, err)
	}
	return Someone{User: u}
}

// LoginCode returns the code the last auth.sendCode for phone was answered with.
func (s *Scenario) LoginCode(phone string) string {
	s.tb.Helper()
	code, ok := s.cl.world.AuthCode(phone)
	if !ok {
		s.tb.Fatalf("teletest: no login code was sent to %s", phone)
	}
	return code
}

// Addrs returns the data centers' addresses ("127.0.0.1:port" by DC id) for a client under
// test to connect to.
func (s *Scenario) Addrs() map[int]string { return s.cl.Addrs() }

// PublicKeys returns the RSA keys a client under test trusts for the key exchange.
func (s *Scenario) PublicKeys() []crypto.PublicKey { return s.cl.PublicKeys() }

// Faults returns the cluster's fault injection: flood waits and migrations per method,
// dropped connections, slow data centers (see Faults).
func (s *Scenario) Faults() *Faults { return s.cl.Faults() }

// Forum creates a public supergroup organised in topics, owned by creator, with the other
// members.
func (s *Scenario) Forum(title string, creator *Actor, members ...Peer) *Channel {
	s.tb.Helper()
	ch, err := s.cl.world.CreateChannel(creator.ID(), world.ChannelSpec{
		Title: title, Username: fmt.Sprintf("forum%d", s.next()), Megagroup: true, Forum: true, Members: ids(members),
	})
	if err != nil {
		s.tb.Fatalf("teletest: create forum %q: %v", title, err)
	}
	return &Channel{Channel: ch}
}

// Join joins a public channel or supergroup (channels.joinChannel).
func (a *Actor) Join(c *Channel) {
	a.s.tb.Helper()
	if _, err := a.api.ChannelsJoinChannel(a.s.ctx(), &tg.ChannelsJoinChannelRequest{Channel: a.inputChannel(c)}); err != nil {
		a.s.tb.Fatalf("teletest: %s: join %q: %v", a.User.Username, c.Title, err)
	}
}

// Leave leaves a channel or supergroup (channels.leaveChannel).
func (a *Actor) Leave(c *Channel) {
	a.s.tb.Helper()
	if _, err := a.api.ChannelsLeaveChannel(a.s.ctx(), &tg.ChannelsLeaveChannelRequest{Channel: a.inputChannel(c)}); err != nil {
		a.s.tb.Fatalf("teletest: %s: leave %q: %v", a.User.Username, c.Title, err)
	}
}

// inputChannel returns c as the actor sees it.
func (a *Actor) inputChannel(c *Channel) *tg.InputChannel {
	a.s.tb.Helper()
	in := a.input(c).(*tg.InputPeerChannel)
	return &tg.InputChannel{ChannelID: in.ChannelID, AccessHash: in.AccessHash}
}

// Command sends a bot command ("/start", "/start payload", or "start" without its slash) to
// chat p and returns the message id.
func (a *Actor) Command(p Peer, command string) int32 {
	a.s.tb.Helper()
	if !strings.HasPrefix(command, "/") {
		command = "/" + command
	}
	return a.Send(p, command)
}

// Click presses the callback button labelled text under message m, which a received in chat
// p, and returns the bot's answer (the notice or alert a person sees). It blocks until the
// bot answers, so the bot must be run by a client under test, not played by this goroutine
// (use Press on a goroutine of its own for that). The test fails when m has no such button
// (listing the buttons it has) or the bot does not answer.
func (a *Actor) Click(p Peer, m Message, text string) *tg.MessagesBotCallbackAnswer {
	a.s.tb.Helper()
	var labels []string
	for _, b := range buttonsOf(m.Markup) {
		if cb, ok := b.(*tg.KeyboardButtonCallback); ok {
			if cb.Text == text {
				ans, err := a.Press(p, m.ID, string(cb.Data))
				if err != nil {
					a.s.tb.Fatalf("teletest: %s: press %q under %s: %v", a.User.Username, text, m, err)
				}
				return ans
			}
			labels = append(labels, fmt.Sprintf("%q", cb.Text))
		}
	}
	a.s.tb.Fatalf("teletest: %s: %s has no callback button %q; its callback buttons: [%s]", a.User.Username, m, text, strings.Join(labels, " "))
	return nil
}

// Buttons returns the labels of the message's keyboard buttons, row by row.
func (m Message) Buttons() []string {
	var out []string
	for _, b := range buttonsOf(m.Markup) {
		out = append(out, buttonText(b))
	}
	return out
}

// buttonsOf lists the buttons of an inline or reply keyboard.
func buttonsOf(markup tg.ReplyMarkupClass) []tg.KeyboardButtonClass {
	var rows []tg.KeyboardButtonRow
	switch k := markup.(type) {
	case *tg.ReplyInlineMarkup:
		rows = k.Rows
	case *tg.ReplyKeyboardMarkup:
		rows = k.Rows
	}
	var out []tg.KeyboardButtonClass
	for _, r := range rows {
		out = append(out, r.Buttons...)
	}
	return out
}

// ExpectEdit waits for an edited message matching m (updateEditMessage or
// updateEditChannelMessage; the match sees the new text and keyboard), removes it from the
// actor's queue of edits and returns it. The test fails if none arrives within the scenario
// timeout, listing the edits received.
func (a *Actor) ExpectEdit(m Match) Message {
	a.s.tb.Helper()
	return a.await(&a.edits, "edit", m, a.s.timeout)
}

// editsOf flattens the edited messages of an Updates object as seen by user self.
func editsOf(self int64, u tg.UpdatesClass) []Message {
	return flattenUpdates(self, updatesIn(u), func(u tg.UpdateClass) (tg.MessageClass, int32) {
		switch u := u.(type) {
		case *tg.UpdateEditMessage:
			return u.Message, u.Pts
		case *tg.UpdateEditChannelMessage:
			return u.Message, u.Pts
		}
		return nil, 0
	})
}

// InlineResults types query for bot in chat p and returns the titles of the articles the
// bot answered with, failing the test when the query fails. Like Click, it needs a bot run
// by a client under test.
func (a *Actor) InlineResults(bot Peer, p Peer, query string) []string {
	a.s.tb.Helper()
	res, err := a.InlineQuery(bot, p, query)
	if err != nil {
		a.s.tb.Fatalf("teletest: %s: inline query %q: %v", a.User.Username, query, err)
	}
	titles := make([]string, 0, len(res.Results))
	for _, r := range res.Results {
		if r, ok := r.(*tg.BotInlineResult); ok {
			titles = append(titles, r.Title.Or(""))
		}
	}
	return titles
}

// PayInvoice pays the invoice of message msgID in chat p (see Pay), failing the test when
// the payment fails.
func (a *Actor) PayInvoice(p Peer, msgID int32) *tg.PaymentsPaymentResult {
	a.s.tb.Helper()
	res, err := a.Pay(p, msgID)
	if err != nil {
		a.s.tb.Fatalf("teletest: %s: pay the invoice of message %d: %v", a.User.Username, msgID, err)
	}
	return res
}

// buttonText returns a button's label (every keyboard button has a text field).
func buttonText(b tg.KeyboardButtonClass) string {
	v := reflect.ValueOf(b)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		if f := v.Elem().FieldByName("Text"); f.IsValid() && f.Kind() == reflect.String {
			return f.String()
		}
	}
	return ""
}
