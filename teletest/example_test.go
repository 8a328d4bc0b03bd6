package teletest_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Example is a test of a bot, offline: start an in-process Telegram, create a person and a bot
// in its world, let the bot connect and log in over real MTProto as it would to Telegram, and
// act for the person directly in the world. A bot built on the MTGo client connects the same
// way once its Config has DCAddrs = cl.Addrs() and PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()}
// (see the client's examples).
func Example() {
	cl, err := teletest.Start(teletest.Config{})
	if err != nil {
		panic(err)
	}
	defer cl.Close() // returns when every goroutine of the cluster has stopped

	w := cl.World()
	alice, err := w.CreateUser(world.UserSpec{FirstName: "Alice", Username: "alice", Phone: "15550001"})
	if err != nil {
		panic(err)
	}
	bot, err := w.CreateBot(world.BotSpec{FirstName: "Echo", Username: "echo_bot"})
	if err != nil {
		panic(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b := connect(ctx, cl, bot)
	defer b.close()

	// Alice needs no connection: the test acts for her in the world under a key of its choice.
	aliceKey := world.KeyID{'a'}
	if err := w.Authorize(aliceKey, alice.ID); err != nil {
		panic(err)
	}
	found, err := w.ResolveUsername(aliceKey, "echo_bot")
	if err != nil {
		panic(err)
	}
	toBot := inputPeer(found.Users[0])
	if _, err := w.SendMessage(aliceKey, toBot, world.Draft{RandomID: 1, Text: "/start"}); err != nil {
		panic(err)
	}

	// The bot receives the message as an update pushed over its connection...
	var got *tg.UpdateShortMessage
	for got == nil {
		select {
		case u := <-b.inbox:
			got, _ = u.(*tg.UpdateShortMessage)
		case <-ctx.Done():
			panic("no update")
		}
	}
	fmt.Printf("bot got %q from user %s\n", got.Message, name(w, got.UserID))

	// ...and answers with ordinary API calls.
	resolved, err := b.api.ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: "alice"})
	if err != nil {
		panic(err)
	}
	if _, err := b.api.MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
		Peer: inputPeer(resolved.Users[0]), Message: "Hello, Alice!", RandomID: 2,
	}); err != nil {
		panic(err)
	}

	// The test checks Alice's side of the chat in the world.
	history, err := w.History(aliceKey, toBot, world.HistoryQuery{Limit: 10})
	if err != nil {
		panic(err)
	}
	msgs := history.(*tg.MessagesMessages).Messages
	for _, m := range slices.Backward(msgs) { // newest first on the wire
		m := m.(*tg.Message)
		from := bot.ID
		if m.Out { // sent by the viewer, Alice
			from = alice.ID
		}
		fmt.Printf("%s: %s\n", name(w, from), m.Message)
	}

	// Output:
	// logged in as echo_bot
	// bot got "/start" from user alice
	// alice: /start
	// echo_bot: Hello, Alice!
}

// Faults make the cluster misbehave on purpose, so a test can check how the code under test
// copes: here one call is answered with FLOOD_WAIT_3, and then every connection is cut while
// the bot is logged in.
func ExampleFaults() {
	cl, err := teletest.Start(teletest.Config{})
	if err != nil {
		panic(err)
	}
	defer cl.Close()
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Echo", Username: "echo_bot"})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b := connect(ctx, cl, bot)
	defer b.close()

	faults := cl.Faults()
	faults.FloodWait(tg.HelpGetConfigRequestTypeID, 3, 1) // the next help.getConfig only
	_, err = b.api.HelpGetConfig(ctx, &tg.HelpGetConfigRequest{})
	if e, ok := rpcerr.As(err); ok {
		fmt.Println("first call:", e.Code, e.Message)
	}
	if wait, ok := rpcerr.FloodWait(err); ok {
		fmt.Println("retry after", wait)
	}
	if _, err := b.api.HelpGetConfig(ctx, &tg.HelpGetConfigRequest{}); err != nil {
		panic(err)
	}
	fmt.Println("second call: ok")

	// The session reconnects by itself and keeps its key and its login.
	fmt.Println("connections cut:", faults.DropConnections(0))
	users, err := b.api.UsersGetUsers(ctx, &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}})
	if err != nil {
		panic(err)
	}
	fmt.Println("after the reconnect still", users[0].(*tg.User).Username.Value)

	// Output:
	// logged in as echo_bot
	// first call: 420 FLOOD_WAIT_3
	// retry after 3s
	// second call: ok
	// connections cut: 1
	// after the reconnect still echo_bot
}

// botConn is a bot's MTProto session with the cluster, as a bot under test would open it.
type botConn struct {
	api   *tg.Client
	inbox chan tg.UpdatesClass
	stop  context.CancelFunc
	done  chan error
}

// connect opens a session to the bot's home data center: it trusts the cluster's RSA key
// instead of Telegram's, runs the key exchange and logs in with the token the world made.
func connect(ctx context.Context, cl *teletest.Cluster, bot world.User) *botConn {
	b := &botConn{inbox: make(chan tg.UpdatesClass, 16), done: make(chan error, 1)}
	conn, err := session.New(session.Options{
		Session:    session.Session{DC: bot.DC, Addr: cl.Addr(bot.DC)},
		PublicKeys: cl.PublicKeys(),
		Init:       &session.InitConnection{Layer: teletest.Layer, APIID: 1, DeviceModel: "example"},
		Updates: updateFunc(func(u tg.UpdatesClass) {
			select {
			case b.inbox <- u:
			default: // nobody reads them: drop rather than hold the session's update goroutine
			}
		}),
	})
	if err != nil {
		panic(err)
	}
	var runCtx context.Context
	runCtx, b.stop = context.WithCancel(context.Background())
	go func() { b.done <- conn.Run(runCtx) }()

	b.api = tg.NewClient(conn)
	auth, err := b.api.AuthImportBotAuthorization(ctx, &tg.AuthImportBotAuthorizationRequest{
		APIID: 1, APIHash: "example", BotAuthToken: bot.Token,
	})
	if err != nil {
		b.close()
		panic(err)
	}
	fmt.Println("logged in as", auth.(*tg.AuthAuthorization).User.(*tg.User).Username.Value)
	return b
}

// close ends the session and waits for its goroutines.
func (b *botConn) close() {
	b.stop()
	<-b.done
}

// updateFunc adapts a function to session.UpdateHandler, decoding each pushed Updates object.
type updateFunc func(tg.UpdatesClass)

func (f updateFunc) HandleUpdates(_ context.Context, body []byte) error {
	var b tl.Buffer
	b.ResetTo(body)
	if u, err := tg.DecodeUpdatesClass(&b); err == nil { // other server messages are skipped
		f(u)
	}
	return nil
}

// inputPeer addresses a user with the access hash the viewer received.
func inputPeer(u tg.UserClass) tg.InputPeerClass {
	user := u.(*tg.User)
	return &tg.InputPeerUser{UserID: user.ID, AccessHash: user.AccessHash.Value}
}

func name(w *world.World, id int64) string {
	u, _ := w.User(id)
	return u.Username
}
