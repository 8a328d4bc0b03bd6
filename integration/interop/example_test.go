package interop

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/telegram/dcs"
	gotdtg "github.com/gotd/td/tg"

	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// Example connects a client nobody here wrote, gotd/td v0.93.0, to MTGo's in-process Telegram:
// it trusts the cluster's RSA key, runs the key exchange, logs in as a bot the test created in
// the world and calls a method, all over real MTProto on loopback.
func Example() {
	cl, err := teletest.Start(teletest.Config{})
	if err != nil {
		panic(err)
	}
	defer cl.Close()
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "gotd", Username: "gotd_bot"})
	if err != nil {
		panic(err)
	}

	var list dcs.List
	for id, addr := range cl.Addrs() {
		host, port, _ := net.SplitHostPort(addr)
		p, _ := strconv.Atoi(port)
		list.Options = append(list.Options, gotdtg.DCOption{ID: id, IPAddress: host, Port: p})
	}
	client := telegram.NewClient(1, "teletest", telegram.Options{
		PublicKeys: []telegram.PublicKey{{RSA: cl.RSAPublicKey()}},
		DC:         2,
		DCList:     list,
		Resolver:   dcs.Plain(dcs.PlainOptions{}),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = client.Run(ctx, func(ctx context.Context) error {
		if _, err := client.Auth().Bot(ctx, bot.Token); err != nil {
			return fmt.Errorf("bot login: %w", err)
		}
		self, err := client.Self(ctx)
		if err != nil {
			return fmt.Errorf("users.getUsers(self): %w", err)
		}
		nearest, err := client.API().HelpGetNearestDC(ctx)
		if err != nil {
			return fmt.Errorf("help.getNearestDc: %w", err)
		}
		fmt.Printf("logged in as @%s (bot: %v) on DC %d\n", self.Username, self.Bot, nearest.ThisDC)
		return nil
	})
	if err != nil {
		panic(err)
	}
	// Output: logged in as @gotd_bot (bot: true) on DC 2
}
