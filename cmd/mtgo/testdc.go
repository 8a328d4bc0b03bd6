package main

import (
	"errors"
	"flag"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/testdc"
)

// testdcStarted, when set (tests), is called with the running cluster.
var testdcStarted func(*teletest.Cluster)

func (a *app) testdcCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "testdc [-dcs N] [-host H] [-ws] [-cdn] [-v] [-bot NAME]... [-write FILE]",
		Short: "Run the in-process test Telegram and print how to connect to it",
		Long: `Run the MTGo test Telegram (package teletest, the same server as integration/cmd/testdc)
on loopback until Ctrl-C. It prints every data center's address, the RSA key to trust, a bot
token per -bot and a user to log in as; login codes are printed when requested.

  -dcs N       number of data centers (3)      -host H   address to listen on (127.0.0.1)
  -ws          also listen for WebSocket       -cdn      also run a CDN data center
  -v           log connections to stderr       -bot NAME add a bot (repeatable)
  -write FILE  save the addresses and the key for the other commands:
               mtgo --cluster FILE --api-id 1 --api-hash test login --bot-token ...`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			err := testdc.Serve(cmd.Context(), args, a.out, testdcStarted)
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			if err != nil && (strings.HasPrefix(err.Error(), "flag provided but not defined") ||
				strings.HasPrefix(err.Error(), "invalid value") || strings.HasPrefix(err.Error(), "flag needs an argument")) {
				return usageError{err}
			}
			return err
		},
	}
}
