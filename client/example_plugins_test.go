package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// greeter is a plugin: a /start handler and a hook that notes each connection of the client.
type greeter struct {
	text      string
	connected chan mtgo.ConnectionInfo
}

func (g *greeter) Name() string { return "greeter" }

func (g *greeter) Install(c *mtgo.Client) error {
	if g.text == "" {
		return errors.New("greeter: no text") // checked before anything is registered
	}
	c.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		_, err := ctx.Reply(g.text)
		return err
	}, filters.Command("start"), filters.Private)
	c.OnConnected(func(_ *mtgo.Context, info mtgo.ConnectionInfo) {
		select {
		case g.connected <- info:
		default: // a hook never blocks the client
		}
	})
	return nil
}

// A bot installs a plugin before it connects: the plugin's hook sees the connection and its
// handler answers /start. A second plugin of the same name is refused.
func ExampleClient_Use() {
	srv := startExampleServer()
	defer srv.Close()
	cfg := srv.config()
	cfg.BotToken = srv.bot.Token
	bot, err := mtgo.NewClient(12345678, "abcdef1234567890abcdef1234567890", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer bot.Stop()
	g := &greeter{text: "Welcome!", connected: make(chan mtgo.ConnectionInfo, 4)}
	if err := bot.Use(g); err != nil {
		log.Fatal(err)
	}
	err = bot.Use(&greeter{text: "Hi again"})
	fmt.Println("second greeter refused:", errors.Is(err, mtgo.ErrPluginInstalled))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bot.ConnectContext(ctx); err != nil {
		log.Fatal(err)
	}
	if err := bot.Login(ctx); err != nil {
		log.Fatal(err)
	}
	info := <-g.connected // ConnectContext ran the hook before it returned
	fmt.Println("plugins:", bot.Plugins(), "connected to DC", info.DC)

	user := srv.userClient()
	defer user.Stop()
	replies := make(chan *types.Message, 1)
	user.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		replies <- m
		return nil
	})
	if _, err := user.SendMessage(ctx, "@example_bot", "/start"); err != nil {
		log.Fatal(err)
	}
	select {
	case m := <-replies:
		fmt.Println("bot answered:", m.Text)
	case <-ctx.Done():
		log.Fatal("no answer")
	}
	// Output:
	// second greeter refused: true
	// plugins: [greeter] connected to DC 2
	// bot answered: Welcome!
}

// The test server cuts the bot's connections, as a network failure would; the client dials
// again and tells its OnReconnect hooks how many times it has had to, and why.
func ExampleClient_OnReconnect() {
	srv := startExampleServer()
	defer srv.Close()
	bot := srv.botClient()
	defer bot.Stop()
	reconnected := make(chan mtgo.ReconnectInfo, 4)
	bot.OnReconnect(func(_ *mtgo.Context, r mtgo.ReconnectInfo) {
		select {
		case reconnected <- r:
		default: // a hook never blocks the client
		}
	})

	srv.cl.Faults().DropConnections(bot.DC())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case r := <-reconnected:
		fmt.Println("reconnection", r.Count, "to DC", r.DC, "after a loss:", r.Reason != nil)
	case <-ctx.Done():
		log.Fatal("no reconnection")
	}
	if _, err := bot.InvokeContext(ctx, &tg.PingRequest{PingID: 1}, 0, 5*time.Second); err != nil {
		log.Fatal(err)
	}
	fmt.Println("calls work again")
	// Output:
	// reconnection 1 to DC 2 after a loss: true
	// calls work again
}

// A middleware added with UseInvokerMiddleware sees the calls of the client's methods.
// InvokeWithMiddleware sends a query through it with another invoker at the end of the
// chain: here a stub that answers as a server would, to test the middleware without one.
func ExampleClient_InvokeWithMiddleware() {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	client, err := mtgo.NewClient(12345678, "abcdef1234567890abcdef1234567890", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Stop()
	client.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
			err := next.Invoke(ctx, in, out)
			fmt.Println("call", in.(tg.TLObject).TypeName(), "error:", err)
			return err
		})
	})

	stub := mtgo.InvokerFunc(func(_ context.Context, in tl.Encoder, out tl.Decoder) error {
		if _, ok := in.(*tg.HelpGetNearestDCRequest); !ok {
			return errors.New("stub: unexpected call")
		}
		var b tl.Buffer // the answer's encoding, which the caller's decoder reads
		if err := (&tg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 4}).Encode(&b); err != nil {
			return err
		}
		return out.Decode(&b)
	})
	res, err := client.InvokeWithMiddleware(context.Background(), stub, &tg.HelpGetNearestDCRequest{})
	if err != nil {
		log.Fatal(err)
	}
	dc := res.(*tg.NearestDC)
	fmt.Println("nearest DC:", dc.NearestDC, "country:", dc.Country)
	// Output:
	// call help.getNearestDc error: <nil>
	// nearest DC: 4 country: NL
}
