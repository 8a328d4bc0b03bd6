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
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mtgo-labs/mtgo/teletest/testdc"
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

// serve is testdc.Serve: the flags, the banner and the cluster live there, shared with
// `mtgo testdc` (cmd/mtgo).
var serve = testdc.Serve
