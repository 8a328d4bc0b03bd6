package interop

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/telegram/dcs"
	gotdtg "github.com/gotd/td/tg"
	"go.uber.org/zap/zaptest"

	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// TestGotdInterop lets a client nobody here wrote, gotd/td v0.93.0 (layer 170), talk to the
// server: key exchange with our RSA key, initConnection with help.getConfig, bot login, and a
// few calls whose constructors layer 170 shares with ours or that the server re-encodes for
// layer 170 (users). A person on our own client then talks to the gotd bot both ways.
func TestGotdInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("gotd interop runs a full client")
	}
	s := teletest.NewScenario(t, teletest.Config{DCs: 3})
	cl := s.Cluster()
	alice := s.User("alice")
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "gotd", Username: "gotd_bot"})
	if err != nil {
		t.Fatal(err)
	}

	var list dcs.List
	for id, addr := range cl.Addrs() {
		host, port, _ := net.SplitHostPort(addr)
		p, _ := strconv.Atoi(port)
		list.Options = append(list.Options, gotdtg.DCOption{ID: id, IPAddress: host, Port: p})
	}
	updates := make(chan gotdtg.UpdatesClass, 16)
	client := telegram.NewClient(1, "teletest", telegram.Options{
		PublicKeys: []telegram.PublicKey{{RSA: cl.RSAPublicKey()}},
		DC:         2,
		DCList:     list,
		Resolver:   dcs.Plain(dcs.PlainOptions{}),
		Logger:     zaptest.NewLogger(t),
		UpdateHandler: telegram.UpdateHandlerFunc(func(ctx context.Context, u gotdtg.UpdatesClass) error {
			select {
			case updates <- u:
			case <-ctx.Done():
			}
			return nil
		}),
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = client.Run(ctx, func(ctx context.Context) error {
		a, err := client.Auth().Bot(ctx, bot.Token)
		if err != nil {
			t.Fatalf("gotd: bot login: %v", err)
		}
		if u, ok := a.User.AsNotEmpty(); !ok || u.ID != bot.ID || !u.Bot {
			t.Fatalf("gotd: logged in as %+v, want bot %d", a.User, bot.ID)
		}
		self, err := client.Self(ctx)
		if err != nil {
			t.Fatalf("gotd: users.getUsers(self): %v", err)
		}
		if self.ID != bot.ID || self.Username != bot.Username {
			t.Fatalf("gotd: self %d %q, want %d %q", self.ID, self.Username, bot.ID, bot.Username)
		}
		if err := client.Ping(ctx); err != nil {
			t.Fatalf("gotd: ping: %v", err)
		}
		api := client.API()
		nearest, err := api.HelpGetNearestDC(ctx)
		if err != nil || nearest.ThisDC != 2 {
			t.Fatalf("gotd: help.getNearestDc: %+v, %v", nearest, err)
		}
		state, err := api.UpdatesGetState(ctx)
		if err != nil {
			t.Fatalf("gotd: updates.getState: %v", err)
		}

		// Resolve alice and write to her.
		res, err := api.ContactsResolveUsername(ctx, alice.User.Username)
		if err != nil {
			t.Fatalf("gotd: contacts.resolveUsername: %v", err)
		}
		var peer *gotdtg.InputPeerUser
		for _, u := range res.Users {
			if u, ok := u.(*gotdtg.User); ok && u.ID == alice.ID() {
				peer = &gotdtg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash}
			}
		}
		if peer == nil {
			t.Fatalf("gotd: %q resolved to %+v", alice.User.Username, res)
		}
		sent, err := api.MessagesSendMessage(ctx, &gotdtg.MessagesSendMessageRequest{
			Peer: peer, Message: "hello from gotd", RandomID: 42,
		})
		if err != nil {
			t.Fatalf("gotd: messages.sendMessage: %v", err)
		}
		short, ok := sent.(*gotdtg.UpdateShortSentMessage)
		if !ok || short.Pts != state.Pts+1 {
			t.Fatalf("gotd: sendMessage answered %#v, want updateShortSentMessage with pts %d", sent, state.Pts+1)
		}
		got := alice.Expect(teletest.Text("hello from gotd"))
		if got.From != bot.ID || got.Chat != world.UserPeer(bot.ID) {
			t.Fatalf("alice received %v", got)
		}

		// Alice writes to the bot: gotd receives updateShortMessage.
		alice.Send(teletest.Someone{User: bot}, "hello gotd")
		for {
			select {
			case u := <-updates:
				// gotd turns updateShortMessage into updateShort{updateNewMessage}.
				short, ok := u.(*gotdtg.UpdateShort)
				if !ok {
					t.Fatalf("gotd: received %T", u)
				}
				nm, ok := short.Update.(*gotdtg.UpdateNewMessage)
				if !ok {
					t.Fatalf("gotd: received updateShort with %T", short.Update)
				}
				m, ok := nm.Message.(*gotdtg.Message)
				if !ok || m.Message != "hello gotd" || m.Out || nm.Pts != state.Pts+2 {
					t.Fatalf("gotd: received %#v (pts %d, state pts %d)", nm.Message, nm.Pts, state.Pts)
				}
				if from, ok := m.FromID.(*gotdtg.PeerUser); !ok || from.UserID != alice.ID() {
					t.Fatalf("gotd: message from %#v, want alice %d", m.FromID, alice.ID())
				}
				return nil
			case <-ctx.Done():
				t.Fatalf("gotd: no message from alice")
			}
		}
	})
	if err != nil {
		t.Fatalf("gotd client: %v", err)
	}
}
