// Command testdc runs the MTGo test Telegram (package teletest) on loopback until Ctrl-C, and
// prints how to connect to it: the address of every data center, the WebSocket endpoints, the
// RSA public key clients must trust, and the bots and the person to log in as.
//
//	go run ./integration/cmd/testdc -dcs 3 -ws -cdn -bot weather_bot -bot quiz_bot
//
// Every bot's token is printed; a token of the right shape for a bot that does not exist is
// refused with ACCESS_TOKEN_INVALID, as on Telegram.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"sync"
	"syscall"

	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "testdc:", err)
		os.Exit(1)
	}
}

// run parses flags, starts the cluster, prints the connection details to out and waits for
// SIGINT or SIGTERM.
func run(args []string, out io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, out, nil)
}

// serve is run without the signal handling: it returns when ctx ends. started, when not nil,
// is called with the cluster once the banner is printed.
func serve(ctx context.Context, args []string, out io.Writer, started func(*teletest.Cluster)) error {
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
