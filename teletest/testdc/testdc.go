// Package testdc runs the MTGo test Telegram (package teletest) on loopback and prints how to
// connect to it: the address of every data center, the WebSocket endpoints, the RSA public key
// clients must trust, and the bots and the person to log in as. It is shared by
// integration/cmd/testdc and `mtgo testdc`.
//
// Every bot's token is printed; a token of the right shape for a bot that does not exist is
// refused with ACCESS_TOKEN_INVALID, as on Telegram.
package testdc

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"sync"

	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ConnectFile is what -write saves: how a client reaches the cluster.
type ConnectFile struct {
	DCs       map[int]string `json:"dcs"`        // data center id -> host:port
	PublicKey string         `json:"public_key"` // PEM of the RSA key to trust
}

// Serve parses the flags of the test server in args (-dcs, -host, -ws, -cdn, -v, -bot,
// -write), starts the cluster, prints the connection details to out and returns when ctx ends.
// started, when not nil, is called with the cluster once the banner is printed. With
// -write FILE the addresses and the key are also saved as a ConnectFile (JSON).
func Serve(ctx context.Context, args []string, out io.Writer, started func(*teletest.Cluster)) error {
	fs := flag.NewFlagSet("testdc", flag.ContinueOnError)
	fs.SetOutput(out)
	dcs := fs.Int("dcs", 3, "number of data centers")
	host := fs.String("host", "127.0.0.1", "address to listen on")
	ws := fs.Bool("ws", false, "also listen for WebSocket connections (/apiws)")
	cdn := fs.Bool("cdn", false, "also run a CDN data center (id 203) with a key of its own")
	verbose := fs.Bool("v", false, "log connections and errors to stderr")
	bots := []string{"test_bot"}
	fs.Func("bot", "add a bot with this username (repeatable; test_bot always exists)", func(name string) error {
		if slices.Contains(bots, name) {
			return fmt.Errorf("bot @%s given twice", name)
		}
		bots = append(bots, name)
		return nil
	})
	write := fs.String("write", "", "also save the addresses and the key to this file (JSON, see ConnectFile)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := teletest.Config{DCs: *dcs, Host: *host, WebSocket: *ws}
	if *cdn {
		cfg.CDN = &teletest.CDNConfig{}
	}
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	cl, err := teletest.Start(cfg)
	if err != nil {
		return err
	}
	defer cl.Close()

	created := make([]world.User, 0, len(bots))
	for _, name := range bots {
		bot, err := cl.World().CreateBot(world.BotSpec{FirstName: name, Username: name})
		if err != nil {
			return fmt.Errorf("bot @%s: %w", name, err)
		}
		created = append(created, bot)
	}
	user, err := cl.World().CreateUser(world.UserSpec{FirstName: "Test", LastName: "User", Username: "test_user", Phone: "9996621234"})
	if err != nil {
		return err
	}

	w := &lockedWriter{w: out}
	cl.Dispatcher().Use(printCodes(cl, w))
	out = w

	fmt.Fprintf(out, "MTGo test Telegram, layer %d, %d data centers on %s\n\n", teletest.Layer, *dcs, *host)
	addrs := cl.Addrs()
	ids := make([]int, 0, len(addrs))
	for id := range addrs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		line := "  DC " + strconv.Itoa(id) + "  tcp " + addrs[id]
		if u := cl.DC(id).WebSocketURL(); u != "" {
			line += "  ws " + u
		}
		fmt.Fprintln(out, line)
	}
	fmt.Fprintf(out, "\nEvery transport is accepted (abridged, intermediate, padded, full, obfuscated2).\n")
	fmt.Fprintf(out, "Trust this RSA key for the key exchange (fingerprint %#016x):\n\n%s\n",
		uint64(cl.PublicKey().Fingerprint), cl.PublicKeyPEM())
	if cl.CDN() != nil {
		fmt.Fprintf(out, "CDN data center %d on %s (clients learn its key from help.getCdnConfig):\n\n%s\n",
			teletest.DefaultCDNDC, cl.CDNAddr(), cl.CDNPublicKeyPEM())
	}
	for _, bot := range created {
		fmt.Fprintf(out, "Bot  @%s  token %s\n", bot.Username, bot.Token)
	}
	fmt.Fprintf(out, "User @%s  phone %s  (the login code is printed when it is requested)\n\n", user.Username, user.Phone)
	fmt.Fprintf(out, "Layers %d and %d are served; clients announcing another get INPUT_LAYER_INVALID_<layer>.\n", teletest.Layer, teletest.Layer227)
	if *write != "" {
		b, err := json.Marshal(ConnectFile{DCs: addrs, PublicKey: string(cl.PublicKeyPEM())})
		if err != nil {
			return err
		}
		if err := os.WriteFile(*write, b, 0o600); err != nil {
			return fmt.Errorf("-write: %w", err)
		}
		fmt.Fprintf(out, "Connection details saved to %s.\n", *write)
	}
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
	if started != nil {
		started(cl)
	}

	<-ctx.Done()
	fmt.Fprintln(out, "stopping")
	return nil
}

// printCodes is a dispatcher middleware that prints the login code of every successful
// auth.sendCode, so a person can log in by hand.
func printCodes(cl *teletest.Cluster, out io.Writer) services.Middleware {
	return func(next services.Handler) services.Handler {
		return func(ctx context.Context, c *services.Caller, req tl.Object) (tl.Encoder, error) {
			res, err := next(ctx, c, req)
			if r, ok := req.(*tg.AuthSendCodeRequest); ok && err == nil {
				if code, ok := cl.World().AuthCode(r.PhoneNumber); ok {
					fmt.Fprintf(out, "login code for %s: %s\n", r.PhoneNumber, code)
				}
			}
			return res, err
		}
	}
}

// lockedWriter serialises writes from the connections' goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
