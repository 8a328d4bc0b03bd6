package fanout_test

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/fanout"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// A bot's updates go from a gateway (the client that runs the update engine) through a
// JetStream stream to a worker (a client without updates of its own), whose handler answers.
// In production they are separate processes and the store is shared (PostgreSQL, Redis);
// here everything runs in one: an embedded nats-server, and the in-process test cluster in
// the place of Telegram.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	js, stopNATS := startNATS()
	defer stopNATS()
	tele, err := teletest.Start(teletest.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer tele.Close()
	bot, err := tele.World().CreateBot(world.BotSpec{FirstName: "Fan", Username: "fan_bot"})
	if err != nil {
		log.Fatal(err)
	}
	config := func() mtgo.Config { // pointed at the test cluster instead of Telegram
		cfg := mtgo.DefaultConfig
		cfg.DCAddrs = tele.Addrs()
		cfg.PublicKeys = []*rsa.PublicKey{tele.RSAPublicKey()}
		return cfg
	}

	// The gateway: the bot logs in and publishes every update it receives.
	shared := storage.NewInMemory()
	gw, err := fanout.NewGateway(ctx, js, fanout.Config{Memory: true})
	if err != nil {
		log.Fatal(err)
	}
	cfg := config()
	cfg.BotToken = bot.Token
	cfg.Storage = gw.DeferCommits(shared) // the update state is saved once the stream has it
	engine, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer engine.Stop()
	gw.Attach(engine) // before Connect
	if err := engine.ConnectContext(ctx); err != nil {
		log.Fatal(err)
	}
	if err := engine.Login(ctx); err != nil {
		log.Fatal(err)
	}

	// A worker: the same account on connections of its own, no update engine.
	own := storage.NewInMemory()
	if err := fanout.ShareAuthorization(ctx, shared, own); err != nil {
		log.Fatal(err)
	}
	cfg = config()
	cfg.Storage, cfg.NoUpdates = own, true
	handler, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer handler.Stop()
	if err := handler.ConnectContext(ctx); err != nil {
		log.Fatal(err)
	}
	handler.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		_, err := ctx.Reply("a worker read: " + m.Text)
		return err
	})
	w, err := fanout.NewWorker(handler, js, fanout.Config{Memory: true})
	if err != nil {
		log.Fatal(err)
	}
	wctx, stopWorker := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- w.Run(wctx) }()
	defer func() { stopWorker(); <-ran }()
	select {
	case <-w.Ready():
	case err := <-ran:
		log.Fatal(err)
	}

	// Someone writes to the bot.
	user := loginUser(ctx, tele, config())
	defer user.Stop()
	replies := make(chan *types.Message, 1)
	user.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		replies <- m
		return nil
	})
	if _, err := user.SendMessage(ctx, "@fan_bot", "hello"); err != nil {
		log.Fatal(err)
	}
	select {
	case m := <-replies:
		fmt.Println(m.Text)
	case <-ctx.Done():
		log.Fatal("no reply")
	}
	// Output:
	// a worker read: hello
}

// startNATS runs a JetStream server in the process and connects to it.
func startNATS() (jetstream.JetStream, func()) {
	dir, err := os.MkdirTemp("", "mtgo-fanout-example")
	if err != nil {
		log.Fatal(err)
	}
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true})
	if err != nil {
		log.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		log.Fatal("nats-server did not start")
	}
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		log.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		log.Fatal(err)
	}
	return js, func() {
		nc.Close()
		s.Shutdown()
		s.WaitForShutdown()
		_ = os.RemoveAll(dir)
	}
}

// loginUser creates a person on the test cluster and logs a client in as them, with the
// login code the cluster would have sent.
func loginUser(ctx context.Context, tele *teletest.Cluster, cfg mtgo.Config) *mtgo.Client {
	w := tele.World()
	u, err := w.CreateUser(world.UserSpec{FirstName: "Ann", Phone: "15550401"})
	if err != nil {
		log.Fatal(err)
	}
	cfg.InMemory = true
	cfg.PhoneNumber = u.Phone
	cfg.Code = func(_ context.Context, phone string, _ mtgo.CodeInfo) (string, error) {
		code, ok := w.AuthCode(phone)
		if !ok {
			return "", errors.New("no code sent")
		}
		return code, nil
	}
	c, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	if err := c.ConnectContext(ctx); err != nil {
		log.Fatal(err)
	}
	if err := c.Login(ctx); err != nil {
		log.Fatal(err)
	}
	return c
}
