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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	var stopped chan error
	defer func() {
		cancel()
		if stopped != nil {
			<-stopped
		}
		_ = cl.Close() // returns when every goroutine of the cluster has stopped
	}()

	w := cl.World()
	alice, err := w.CreateUser(world.UserSpec{FirstName: "Alice", Username: "alice", Phone: "15550001"})
	if err != nil {
		panic(err)
	}
	bot, err := w.CreateBot(world.BotSpec{FirstName: "Echo", Username: "echo_bot"})
	if err != nil {
		panic(err)
	}

	// The bot: an MTProto session to its home data center. It trusts the cluster's RSA key
	// instead of Telegram's, runs the key exchange and logs in with the token the world made.
	inbox := make(chan tg.UpdatesClass, 16)
	conn, err := session.New(session.Options{
		Session:    session.Session{DC: bot.DC, Addr: cl.Addr(bot.DC)},
		PublicKeys: cl.PublicKeys(),
		Init:       &session.InitConnection{Layer: teletest.Layer, APIID: 1, DeviceModel: "example"},
		Updates:    updateFunc(func(u tg.UpdatesClass) { inbox <- u }),
	})
	if err != nil {
		panic(err)
	}
	stopped = make(chan error, 1)
	go func() { stopped <- conn.Run(ctx) }()

	api := tg.NewClient(conn)
	auth, err := api.AuthImportBotAuthorization(ctx, &tg.AuthImportBotAuthorizationRequest{
		APIID: 1, APIHash: "example", BotAuthToken: bot.Token,
	})
	if err != nil {
		panic(err)
	}
	me := auth.(*tg.AuthAuthorization).User.(*tg.User)
	fmt.Println("logged in as", me.Username.Value, "bot:", me.Bot)

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
		case u := <-inbox:
			got, _ = u.(*tg.UpdateShortMessage)
		case <-ctx.Done():
			panic("no update")
		}
	}
	fmt.Printf("bot got %q from user %s\n", got.Message, name(w, got.UserID))

	// ...and answers with an ordinary API call.
	resolved, err := api.ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: "alice"})
	if err != nil {
		panic(err)
	}
	if _, err := api.MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
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
	// logged in as echo_bot bot: true
	// bot got "/start" from user alice
	// alice: /start
	// echo_bot: Hello, Alice!
}

// updateFunc adapts a function to session.UpdateHandler, decoding each pushed Updates object.
type updateFunc func(tg.UpdatesClass)

func (f updateFunc) HandleUpdates(_ context.Context, body []byte) error {
	var b tl.Buffer
	b.ResetTo(body)
	u, err := tg.DecodeUpdatesClass(&b)
	if err != nil {
		return nil // other server-initiated messages
	}
	f(u)
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
