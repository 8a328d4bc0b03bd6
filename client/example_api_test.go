package mtgo_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The examples of this file are the API page's, run against the in-process test server so
// that godoc shows code that works. exampleServer plays Telegram: it starts a cluster with a
// bot (@example_bot) and a user (phone 15550100). A real program leaves Config.DCAddrs and
// Config.PublicKeys alone and talks to Telegram.
type exampleServer struct {
	cl         *teletest.Cluster
	bot, user  world.User
	userConfig func(*mtgo.Config)
}

func startExampleServer() *exampleServer {
	cl, err := teletest.Start(teletest.Config{})
	if err != nil {
		log.Fatal(err)
	}
	w := cl.World()
	bot, err := w.CreateBot(world.BotSpec{FirstName: "Example", Username: "example_bot"})
	if err != nil {
		log.Fatal(err)
	}
	user, err := w.CreateUser(world.UserSpec{FirstName: "Ann", Username: "ann_example", Phone: "15550100"})
	if err != nil {
		log.Fatal(err)
	}
	return &exampleServer{cl: cl, bot: bot, user: user, userConfig: func(cfg *mtgo.Config) {
		cfg.PhoneNumber = user.Phone
		cfg.Code = func(_ context.Context, phone string, _ mtgo.CodeInfo) (string, error) {
			code, ok := w.AuthCode(phone) // the code Telegram would send by SMS or app
			if !ok {
				return "", errors.New("no code sent")
			}
			return code, nil
		}
	}}
}

func (s *exampleServer) Close() { _ = s.cl.Close() }

// config is mtgo.DefaultConfig pointed at the test server.
func (s *exampleServer) config() mtgo.Config {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.DCAddrs = s.cl.Addrs()
	cfg.PublicKeys = []*rsa.PublicKey{s.cl.RSAPublicKey()}
	return cfg
}

// login builds a client with cfg, connects it and logs it in.
func login(cfg mtgo.Config) *mtgo.Client {
	client, err := mtgo.NewClient(12345678, "abcdef1234567890abcdef1234567890", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.ConnectContext(ctx); err != nil {
		log.Fatal(err)
	}
	if err := client.Login(ctx); err != nil {
		log.Fatal(err)
	}
	return client
}

func (s *exampleServer) botClient() *mtgo.Client {
	cfg := s.config()
	cfg.BotToken = s.bot.Token
	return login(cfg)
}

func (s *exampleServer) userClient() *mtgo.Client {
	cfg := s.config()
	s.userConfig(&cfg)
	return login(cfg)
}

func ExampleNewClient() {
	srv := startExampleServer()
	defer srv.Close()

	cfg := srv.config()
	cfg.BotToken = srv.bot.Token
	cfg.Workers = 4
	client, err := mtgo.NewClient(12345678, "abcdef1234567890abcdef1234567890", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Stop()
	if err := client.Connect(30 * time.Second); err != nil {
		log.Fatalf("connect failed: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.Login(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("bot:", client.IsBot(), "username:", client.Me().Username, "dc:", client.DC())
	// Output: bot: true username: example_bot dc: 2
}

func ExampleClient_Invoke() {
	srv := startExampleServer()
	defer srv.Close()
	client := srv.userClient()
	defer client.Stop()

	resp, err := client.Invoke(&tg.MessagesGetDialogsRequest{Limit: 100, OffsetPeer: &tg.InputPeerEmpty{}}, 3, 15*time.Second)
	if err != nil {
		log.Printf("RPC error: %v", err)
		return
	}
	switch dialogs := resp.(type) {
	case *tg.MessagesDialogs:
		fmt.Println("dialogs:", len(dialogs.Dialogs))
	case *tg.MessagesDialogsSlice:
		fmt.Println("dialogs (slice):", len(dialogs.Dialogs))
	}
	// Output: dialogs: 0
}

func ExampleClient_InvokeRaw() {
	srv := startExampleServer()
	defer srv.Close()
	client := srv.botClient()
	defer client.Stop()

	resp, err := client.InvokeRaw(&tg.PingRequest{PingID: 12345}, 1, 5*time.Second)
	if err != nil {
		log.Printf("ping failed: %v", err)
		return
	}
	fmt.Println("pong:", resp.(*tg.Pong).PingID)
	// Output: pong: 12345
}

func ExampleClient_ResolvePeer() {
	srv := startExampleServer()
	defer srv.Close()
	client := srv.userClient()
	defer client.Stop()

	// A username, "@username", a t.me link, an id, "me", or a types/tg peer value.
	for _, id := range []any{"example_bot", "@example_bot", "https://t.me/example_bot", "me"} {
		peer, err := client.ResolvePeer(context.Background(), id)
		if err != nil {
			log.Printf("resolve failed: %v", err)
			return
		}
		fmt.Printf("%v: %T\n", id, peer)
	}
	// Output:
	// example_bot: *tg.InputPeerUser
	// @example_bot: *tg.InputPeerUser
	// https://t.me/example_bot: *tg.InputPeerUser
	// me: *tg.InputPeerSelf
}

func ExampleClient_CachePeer() {
	srv := startExampleServer()
	defer srv.Close()
	client := srv.botClient()
	defer client.Stop()

	if _, err := client.ResolvePeerCache(12345678); err != nil {
		fmt.Println("before:", errors.Is(err, mtgo.ErrPeerNotFound))
	}
	client.CachePeer(12345678, &tg.InputPeerUser{UserID: 12345678, AccessHash: 42})
	peer, err := client.ResolvePeerCache(12345678)
	if err != nil {
		log.Printf("not cached: %v", err)
		return
	}
	fmt.Printf("after: %T\n", peer)
	// Output:
	// before: true
	// after: *tg.InputPeerUser
}

func ExampleClient_ExportSessionString() {
	srv := startExampleServer()
	defer srv.Close()
	client := srv.botClient()
	s, err := client.ExportSessionString()
	if err != nil {
		log.Fatal(err)
	}
	client.Stop()

	// A new client resumes from the string without logging in again.
	cfg := srv.config()
	cfg.SessionString = s
	resumed, err := mtgo.NewClient(12345678, "abcdef1234567890abcdef1234567890", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer resumed.Stop()
	if err := resumed.Connect(30 * time.Second); err != nil {
		log.Fatal(err)
	}
	fmt.Println("resumed as", resumed.Me().Username)
	// Output: resumed as example_bot
}

func ExampleClient_GetSession() {
	srv := startExampleServer()
	defer srv.Close()
	client := srv.botClient()
	defer client.Stop()

	sess, err := client.GetSession(context.Background(), 3, true, false)
	if err != nil {
		log.Printf("failed to get media session: %v", err)
		return
	}
	fmt.Printf("media session DC: %d, has key: %v\n", sess.DC, sess.HasKey())
	// Output: media session DC: 3, has key: true
}

// A bot echoes messages; a user sends it one with options and reads the reply.
func ExampleClient_SendMessage() {
	srv := startExampleServer()
	defer srv.Close()
	bot := srv.botClient()
	defer bot.Stop()
	bot.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		_, err := m.Reply(ctx, "**echo:** "+m.Text, mtgo.WithParseMode(mtgo.ParseModeMarkdown))
		return err
	})

	user := srv.userClient()
	defer user.Stop()
	replies := make(chan *types.Message, 1)
	user.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		replies <- m
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sent, err := user.SendMessage(ctx, "@example_bot", "<b>hi</b> there",
		mtgo.WithParseMode(mtgo.ParseModeHTML),
		mtgo.WithSilent(),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("sent %q with %d entity\n", sent.Text, len(sent.Entities))
	select {
	case m := <-replies:
		fmt.Printf("reply %q to message %v\n", m.Text, m.ReplyToMessageID == sent.ID)
	case <-ctx.Done():
		log.Fatal("no reply")
	}
	// Output:
	// sent "hi there" with 1 entity
	// reply "echo: hi there" to message true
}
