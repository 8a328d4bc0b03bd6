// Command mtgo is Telegram from the command line: log in and keep a session file, convert
// session strings of other libraries, call any API method with JSON, download and upload files,
// stream updates, export chats and run the in-process test Telegram. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	a := &app{in: os.Stdin, out: os.Stdout, errOut: os.Stderr, getenv: os.Getenv,
		terminal: term.IsTerminal(int(os.Stdin.Fd()))}
	code := a.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
