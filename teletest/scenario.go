package teletest

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Scenario makes a test read as a story: create people, bots and groups, let them send
// messages, and expect what each of them receives.
//
//	s := teletest.NewScenario(t, teletest.Config{})
//	alice, bot := s.User("alice"), s.Bot("echo_bot")
//	alice.Send(bot, "hello")
//	bot.Expect(teletest.Text("hello").From(alice))
//
// Every actor is a real MTProto client (package session) connected over loopback TCP to its
// home data center: it runs the key exchange, logs in over the wire (auth.sendCode and
// auth.signIn with the code the world generated, or auth.importBotAuthorization) and receives
// updates the way any client would. Methods that fail end the test with t.Fatal, so they must
// be called from the test goroutine.
type Scenario struct {
	tb      testing.TB
	cl      *Cluster
	timeout time.Duration

	mu sync.Mutex
	n  int
}

// NewScenario starts a cluster for the test; it is closed, with every actor, when the test
// ends.
func NewScenario(tb testing.TB, cfg Config) *Scenario {
	tb.Helper()
	cl, err := Start(cfg)
	if err != nil {
		tb.Fatalf("teletest: start cluster: %v", err)
	}
	tb.Cleanup(func() { _ = cl.Close() })
	return &Scenario{tb: tb, cl: cl, timeout: 10 * time.Second}
}

// Cluster returns the cluster the scenario runs on.
func (s *Scenario) Cluster() *Cluster { return s.cl }

// SetTimeout changes how long Expect waits and how long one call may take (default 10 s).
func (s *Scenario) SetTimeout(d time.Duration) { s.timeout = d }

func (s *Scenario) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return s.n
}

// ctx returns a context bounded by the scenario timeout, cancelled at the end of the test.
func (s *Scenario) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	s.tb.Cleanup(cancel)
	return ctx
}

// User creates a person named name on the default data center, connects it and logs it in
// with a login code. Its username is name, with a number appended when name is shorter than
// Telegram's five characters.
func (s *Scenario) User(name string) *Actor {
	s.tb.Helper()
	return s.UserWith(world.UserSpec{FirstName: name})
}

// UserWith is User for a person described by spec (Premium, say); an empty Username or Phone
// is made up as User does, from FirstName.
func (s *Scenario) UserWith(spec world.UserSpec) *Actor {
	s.tb.Helper()
	name := spec.FirstName
	n := s.next()
	if spec.Username == "" {
		spec.Username = username(name, n)
	}
	if spec.Phone == "" {
		spec.Phone = fmt.Sprintf("999%07d", n)
	}
	u, err := s.cl.world.CreateUser(spec)
	if err != nil {
		s.tb.Fatalf("teletest: create user %q: %v", name, err)
	}
	a := s.connect(u)
	ctx := s.ctx()
	sent, err := a.api.AuthSendCode(ctx, &tg.AuthSendCodeRequest{
		PhoneNumber: u.Phone, APIID: 1, APIHash: "teletest", Settings: tg.CodeSettings{},
	})
	if err != nil {
		s.tb.Fatalf("teletest: %s: auth.sendCode: %v", name, err)
	}
	code, ok := sent.(*tg.AuthSentCode)
	if !ok {
		s.tb.Fatalf("teletest: %s: auth.sendCode answered %T", name, sent)
	}
	digits, _ := s.cl.world.AuthCode(u.Phone)
	if _, err := a.api.AuthSignIn(ctx, &tg.AuthSignInRequest{
		PhoneNumber: u.Phone, PhoneCodeHash: code.PhoneCodeHash, PhoneCode: tl.Some(digits),
	}); err != nil {
		s.tb.Fatalf("teletest: %s: auth.signIn: %v", name, err)
	}
	return a
}

// username returns name if it is long enough to be a username, name_n otherwise.
func username(name string, n int) string {
	if len(name) >= 5 {
		return name
	}
	return fmt.Sprintf("%s_%03d", name, n)
}

// Bot creates a bot with username name (which should end in "bot"), connects it and logs it
// in with its token.
func (s *Scenario) Bot(name string) *Actor {
	s.tb.Helper()
	return s.BotWith(world.BotSpec{Username: name})
}

// BotWith creates a bot from spec (inline mode, inline feedback; FirstName defaults to the
// username), connects it and logs it in with its token.
func (s *Scenario) BotWith(spec world.BotSpec) *Actor {
	s.tb.Helper()
	name := spec.Username
	if spec.FirstName == "" {
		spec.FirstName = name
	}
	u, err := s.cl.world.CreateBot(spec)
	if err != nil {
		s.tb.Fatalf("teletest: create bot %q: %v", name, err)
	}
	a := s.connect(u)
	if _, err := a.api.AuthImportBotAuthorization(s.ctx(), &tg.AuthImportBotAuthorizationRequest{
		APIID: 1, APIHash: "teletest", BotAuthToken: u.Token,
	}); err != nil {
		s.tb.Fatalf("teletest: %s: auth.importBotAuthorization: %v", name, err)
	}
	return a
}

// Group creates a basic group owned by creator with the other members (actors, or a
// Someone such as the bot under test).
func (s *Scenario) Group(title string, creator *Actor, members ...Peer) *Group {
	s.tb.Helper()
	c, err := s.cl.world.CreateChat(creator.ID(), title, ids(members)...)
	if err != nil {
		s.tb.Fatalf("teletest: create group %q: %v", title, err)
	}
	return &Group{Chat: c}
}

// Supergroup creates a public supergroup (username derived from the title) owned by creator
// with the other members.
func (s *Scenario) Supergroup(title string, creator *Actor, members ...Peer) *Channel {
	return s.channel(title, true, creator, members)
}

// Channel creates a public broadcast channel owned by creator with the other members as
// subscribers.
func (s *Scenario) Channel(title string, creator *Actor, members ...Peer) *Channel {
	return s.channel(title, false, creator, members)
}

func (s *Scenario) channel(title string, mega bool, creator *Actor, members []Peer) *Channel {
	s.tb.Helper()
	username := fmt.Sprintf("chan%d", s.next())
	ch, err := s.cl.world.CreateChannel(creator.ID(), world.ChannelSpec{
		Title: title, Username: username, Megagroup: mega, Members: ids(members),
	})
	if err != nil {
		s.tb.Fatalf("teletest: create channel %q: %v", title, err)
	}
	return &Channel{Channel: ch}
}

// ids returns the account ids of members (actors, or Someone for accounts without one).
func ids(members []Peer) []int64 {
	out := make([]int64, len(members))
	for i, m := range members {
		out[i] = m.Ref().ID
	}
	return out
}

// connect dials the actor's home data center.
func (s *Scenario) connect(u world.User) *Actor {
	s.tb.Helper()
	dc := u.DC
	if s.cl.DC(dc) == nil {
		dc = 2
	}
	a := &Actor{s: s, User: u, wake: make(chan struct{}), peers: make(map[int64]tg.InputPeerClass)}
	conn, err := session.New(session.Options{
		Session:    session.Session{DC: dc, Addr: s.cl.Addr(dc)},
		Dialer:     session.TransportDialer{Dialer: s.cl.Dialer()}, // TCP, or pipes in memory
		PublicKeys: []crypto.PublicKey{s.cl.PublicKey()},
		Init: &session.InitConnection{
			Layer: Layer, APIID: 1, DeviceModel: "teletest", SystemVersion: "scenario",
			AppVersion: "1", SystemLangCode: "en", LangCode: "en",
		},
		Updates: a,
	})
	if err != nil {
		s.tb.Fatalf("teletest: %s: session: %v", u.Username, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = conn.Run(ctx)
	}()
	s.tb.Cleanup(func() {
		cancel()
		<-done
	})
	a.conn, a.api = conn, tg.NewClient(conn)
	return a
}

// Peer is a chat an actor can send to: an *Actor (private chat), a *Group or a *Channel.
type Peer interface {
	// Ref names the chat.
	Ref() world.Peer
}

// Group is a basic group of a scenario.
type Group struct {
	world.Chat
}

// Ref implements Peer.
func (g *Group) Ref() world.Peer { return world.ChatPeer(g.ID) }

// Channel is a channel or supergroup of a scenario.
type Channel struct {
	world.Channel
}

// Ref implements Peer.
func (c *Channel) Ref() world.Peer { return world.ChannelPeer(c.ID) }

// Someone is an account without an actor, such as one a client under test logs in as. Actors
// reach it by its username.
type Someone struct {
	world.User
}

// Ref implements Peer.
func (u Someone) Ref() world.Peer { return world.UserPeer(u.ID) }

// Actor is a person or bot of a scenario with its own live connection.
type Actor struct {
	// User is the account as the world created it (id, names, phone, bot token).
	User world.User

	s    *Scenario
	conn *session.Conn
	api  *tg.Client

	mu      sync.Mutex
	pending []Message
	seen    []Message
	edits   []Message // edited messages ExpectEdit has not taken
	raw     []tg.UpdatesClass
	bad     error
	wake    chan struct{}               // closed and replaced whenever something arrives (under mu)
	peers   map[int64]tg.InputPeerClass // resolved peers by id (users and channels)
	others  []tg.UpdateClass            // pushed updates ExpectUpdate has not taken
}

// ID returns the account id.
func (a *Actor) ID() int64 { return a.User.ID }

// Ref implements Peer: the private chat with the actor.
func (a *Actor) Ref() world.Peer { return world.UserPeer(a.User.ID) }

// API returns a typed client over the actor's connection for calls the scenario does not
// wrap.
func (a *Actor) API() *tg.Client { return a.api }

// Conn returns the actor's MTProto connection.
func (a *Actor) Conn() *session.Conn { return a.conn }

// HandleUpdates implements session.UpdateHandler: it records what the server pushes.
func (a *Actor) HandleUpdates(_ context.Context, body []byte) error {
	var b tl.Buffer
	b.ResetTo(body)
	u, err := tg.DecodeUpdatesClass(&b)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.bad = fmt.Errorf("teletest: %s received an undecodable update: %w", a.User.Username, err)
	} else {
		a.raw = append(a.raw, u)
		a.pending = append(a.pending, messagesOf(a.User.ID, u)...)
		a.edits = append(a.edits, editsOf(a.User.ID, u)...)
		a.others = append(a.others, updatesIn(u)...)
	}
	close(a.wake) // every waiter, on any goroutine, looks again
	a.wake = make(chan struct{})
	return nil
}

// Updates returns every Updates object the server pushed to the actor so far.
func (a *Actor) Updates() []tg.UpdatesClass {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.raw)
}

// input returns the input peer for p as the actor sees it, resolving users and channels by
// username over the wire (access hashes differ per viewer).
func (a *Actor) input(p Peer) tg.InputPeerClass {
	a.s.tb.Helper()
	ref := p.Ref()
	switch ref.Kind {
	case world.PeerChat:
		return &tg.InputPeerChat{ChatID: ref.ID}
	case world.PeerUser:
		if ref.ID == a.User.ID {
			return &tg.InputPeerSelf{}
		}
	}
	a.mu.Lock()
	in, ok := a.peers[ref.ID]
	a.mu.Unlock()
	if ok {
		return in
	}
	var username string
	switch v := p.(type) {
	case *Actor:
		username = v.User.Username
	case Someone:
		username = v.Username
	case *Channel:
		username = v.Username
	}
	res, err := a.api.ContactsResolveUsername(a.s.ctx(), &tg.ContactsResolveUsernameRequest{Username: username})
	if err != nil {
		a.s.tb.Fatalf("teletest: %s: resolve %q: %v", a.User.Username, username, err)
	}
	a.mu.Lock()
	for _, u := range res.Users {
		if u, ok := u.(*tg.User); ok && u.ID == ref.ID {
			a.peers[ref.ID] = &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
		}
	}
	for _, c := range res.Chats {
		if c, ok := c.(*tg.Channel); ok && c.ID == ref.ID {
			a.peers[ref.ID] = &tg.InputPeerChannel{ChannelID: c.ID, AccessHash: c.AccessHash.Value}
		}
	}
	in, ok = a.peers[ref.ID]
	a.mu.Unlock()
	if !ok {
		a.s.tb.Fatalf("teletest: %s: %q does not resolve to %s %d", a.User.Username, username, ref.Kind, ref.ID)
	}
	return in
}

// Send sends a text message to p and returns its id in the sender's view of the chat.
func (a *Actor) Send(p Peer, text string) int32 {
	a.s.tb.Helper()
	return a.SendMarkup(p, text, nil)
}

// SendMarkup sends a text message with a keyboard (a bot's reply_markup, such as
// tg.ReplyInlineMarkup; people's keyboards are ignored) and returns its id in the sender's
// view of the chat.
func (a *Actor) SendMarkup(p Peer, text string, markup tg.ReplyMarkupClass) int32 {
	a.s.tb.Helper()
	res, err := a.api.MessagesSendMessage(a.s.ctx(), &tg.MessagesSendMessageRequest{
		Peer: a.input(p), Message: text, RandomID: randomID(), ReplyMarkup: markup,
	})
	if err != nil {
		a.s.tb.Fatalf("teletest: %s: send %q: %v", a.User.Username, text, err)
	}
	switch r := res.(type) {
	case *tg.UpdateShortSentMessage:
		return r.ID
	default:
		for _, m := range messagesOf(a.User.ID, r) {
			if m.Out && m.Text == text {
				return m.ID
			}
		}
	}
	a.s.tb.Fatalf("teletest: %s: send %q: no message id in %T", a.User.Username, text, res)
	return 0
}

func randomID() int64 {
	var b [8]byte
	_, _ = crand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]))
}

// Expect waits for a received message matching m, removes it from the actor's inbox and
// returns it. The test fails if none arrives within the scenario timeout, listing the inbox.
func (a *Actor) Expect(m Match) Message {
	a.s.tb.Helper()
	return a.await(&a.pending, "message", m, a.s.timeout)
}

// ExpectWithin is Expect with its own timeout.
func (a *Actor) ExpectWithin(m Match, d time.Duration) Message {
	a.s.tb.Helper()
	return a.await(&a.pending, "message", m, d)
}

// await takes the first message of *queue matching m, waiting up to d for one to arrive.
func (a *Actor) await(queue *[]Message, what string, m Match, d time.Duration) Message {
	a.s.tb.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		a.mu.Lock()
		if a.bad != nil {
			err := a.bad
			a.mu.Unlock()
			a.s.tb.Fatal(err)
		}
		wake := a.wake
		for i, got := range *queue {
			if m.matches(got) {
				*queue = slices.Delete(*queue, i, i+1)
				a.seen = append(a.seen, got)
				a.mu.Unlock()
				return got
			}
		}
		a.mu.Unlock()
		select {
		case <-wake:
		case <-deadline.C:
			a.mu.Lock()
			left := slices.Clone(*queue)
			a.mu.Unlock()
			prefix := ""
			if what != "message" {
				prefix = "an " + what + " to "
			}
			listed := make([]string, len(left))
			for i, msg := range left {
				listed[i] = a.s.describe(msg)
			}
			a.s.tb.Fatalf("teletest: %s expected %s%s within %v; %ss received and not yet expected: [%s]",
				a.User.Username, prefix, m, d, what, strings.Join(listed, "; "))
		}
	}
}

// Inbox returns the received messages no Expect has taken yet.
func (a *Actor) Inbox() []Message {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.pending)
}

// Message is one message an actor received, flattened from whichever update carried it.
type Message struct {
	// ID is the message id in the receiver's view of the chat.
	ID int32
	// From is the sender's user id.
	From int64
	// Chat is the chat it belongs to: the other user for a private chat, the group or channel.
	Chat world.Peer
	// Text is the message text.
	Text string
	// Out reports a message the receiver itself sent (from another of its connections).
	Out bool
	// Pts is the pts (or channel pts) the update carried.
	Pts int32
	// Markup is the message's keyboard (a bot's tg.ReplyInlineMarkup, say), nil if none.
	Markup tg.ReplyMarkupClass
}

// describe is Message.String with the sender's username.
func (s *Scenario) describe(m Message) string {
	if u, ok := s.cl.world.User(m.From); ok && u.Username != "" {
		return fmt.Sprintf("%s (@%s)", m, u.Username)
	}
	return m.String()
}

// String describes the message for failure reports.
func (m Message) String() string {
	dir := "from"
	if m.Out {
		dir = "out, from"
	}
	return fmt.Sprintf("#%d %s %d in %s %d: %q", m.ID, dir, m.From, m.Chat.Kind, m.Chat.ID, m.Text)
}

// messagesOf flattens the new messages of an Updates object as seen by user self.
func messagesOf(self int64, u tg.UpdatesClass) []Message {
	switch u := u.(type) {
	case *tg.UpdateShortMessage:
		from := u.UserID
		if u.Out {
			from = self
		}
		return []Message{{ID: u.ID, From: from, Chat: world.UserPeer(u.UserID), Text: u.Message, Out: u.Out, Pts: u.Pts}}
	case *tg.UpdateShortChatMessage:
		return []Message{{ID: u.ID, From: u.FromID, Chat: world.ChatPeer(u.ChatID), Text: u.Message, Out: u.Out, Pts: u.Pts}}
	case *tg.UpdateShort:
		return fromUpdates(self, []tg.UpdateClass{u.Update})
	case *tg.Updates:
		return fromUpdates(self, u.Updates)
	case *tg.UpdatesCombined:
		return fromUpdates(self, u.Updates)
	}
	return nil
}

func fromUpdates(self int64, us []tg.UpdateClass) []Message {
	return flattenUpdates(self, us, func(u tg.UpdateClass) (tg.MessageClass, int32) {
		switch u := u.(type) {
		case *tg.UpdateNewMessage:
			return u.Message, u.Pts
		case *tg.UpdateNewChannelMessage:
			return u.Message, u.Pts
		}
		return nil, 0
	})
}

// flattenUpdates flattens the messages pick finds in updates (nil: none there).
func flattenUpdates(self int64, us []tg.UpdateClass, pick func(tg.UpdateClass) (tg.MessageClass, int32)) []Message {
	var out []Message
	for _, u := range us {
		msg, pts := pick(u)
		if m, ok := msg.(*tg.Message); ok {
			out = append(out, flatten(self, m, pts))
		}
	}
	return out
}

func flatten(self int64, m *tg.Message, pts int32) Message {
	chat, _ := peerOf(m.PeerID)
	from := chat.ID
	if p, ok := peerOf(m.FromID); ok && p.Kind == world.PeerUser {
		from = p.ID
	}
	if m.Out {
		from = self
	}
	return Message{ID: m.ID, From: from, Chat: chat, Text: m.Message, Out: m.Out, Pts: pts, Markup: m.ReplyMarkup}
}

func peerOf(p tg.PeerClass) (world.Peer, bool) {
	switch p := p.(type) {
	case *tg.PeerUser:
		return world.UserPeer(p.UserID), true
	case *tg.PeerChat:
		return world.ChatPeer(p.ChatID), true
	case *tg.PeerChannel:
		return world.ChannelPeer(p.ChannelID), true
	}
	return world.Peer{}, false
}

// Match selects received messages for Expect. The zero Match matches any message.
type Match struct {
	text     string
	hasText  bool
	from     int64
	fromName string // how failure reports name the sender
	chat     world.Peer
	chatName string
	hasChat  bool
}

// Text matches messages whose text is exactly s.
func Text(s string) Match { return Match{text: s, hasText: true} }

// AnyMessage matches every message.
func AnyMessage() Match { return Match{} }

// From restricts m to messages sent by p: an *Actor, or a Someone (a bot your own client
// runs, say).
func (m Match) From(p Peer) Match {
	m.from = p.Ref().ID
	m.fromName = peerName(p)
	return m
}

// peerName names p for failure reports: @username (id) for accounts, the title of a chat.
func peerName(p Peer) string {
	switch v := p.(type) {
	case *Actor:
		return fmt.Sprintf("@%s (%d)", v.User.Username, v.User.ID)
	case Someone:
		return fmt.Sprintf("@%s (%d)", v.Username, v.ID)
	case *Channel:
		return fmt.Sprintf("%q (channel %d)", v.Title, v.ID)
	case *Group:
		return fmt.Sprintf("%q (chat %d)", v.Title, v.ID)
	}
	ref := p.Ref()
	return fmt.Sprintf("%s %d", ref.Kind, ref.ID)
}

// In restricts m to messages in chat p (for a private chat, the other actor).
func (m Match) In(p Peer) Match {
	m.chat, m.chatName, m.hasChat = p.Ref(), peerName(p), true
	return m
}

func (m Match) matches(got Message) bool {
	return (!m.hasText || got.Text == m.text) &&
		(m.from == 0 || got.From == m.from) &&
		(!m.hasChat || got.Chat == m.chat)
}

// String describes the match for failure reports.
func (m Match) String() string {
	var parts []string
	if m.hasText {
		parts = append(parts, fmt.Sprintf("text %q", m.text))
	}
	if m.from != 0 {
		parts = append(parts, "from "+m.fromName)
	}
	if m.hasChat {
		parts = append(parts, "in "+m.chatName)
	}
	if len(parts) == 0 {
		return "any message"
	}
	return "a message with " + strings.Join(parts, ", ")
}
