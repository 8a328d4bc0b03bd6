package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// testdcStarted, when set (tests), is called with the running cluster.
var testdcStarted func(*teletest.Cluster)

func (a *app) testdcCmd() *cobra.Command {
	var dcs int
	var host, write string
	var bots []string
	cmd := &cobra.Command{
		Use:   "testdc",
		Short: "Run the in-process test Telegram and print how to connect to it",
		Long: `Run the MTGo test Telegram (package teletest) on loopback until Ctrl-C. It prints every
data center's address, the RSA key to trust, a bot token per --bot and a user to log in as
(the login code is printed when requested). --write FILE saves the addresses and the key for
the other commands: mtgo --cluster FILE login --bot-token ...`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, err := teletest.Start(teletest.Config{DCs: dcs, Host: host})
			if err != nil {
				return err
			}
			defer cl.Close()
			out := a.out
			fmt.Fprintf(out, "MTGo test Telegram, layer %d, %d data centers on %s\n", teletest.Layer, dcs, host)
			addrs := cl.Addrs()
			ids := make([]int, 0, len(addrs))
			for id := range addrs {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			for _, id := range ids {
				fmt.Fprintf(out, "  DC %d  %s\n", id, addrs[id])
			}
			for _, name := range append([]string{"test_bot"}, bots...) {
				bot, err := cl.World().CreateBot(world.BotSpec{FirstName: name, Username: name})
				if err != nil {
					return fmt.Errorf("bot @%s: %w", name, err)
				}
				fmt.Fprintf(out, "Bot  @%s  token %s\n", bot.Username, bot.Token)
			}
			user, err := cl.World().CreateUser(world.UserSpec{FirstName: "Test", Username: "test_user", Phone: "9996621234"})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "User @%s  phone %s\n", user.Username, user.Phone)
			if write != "" {
				b, err := json.Marshal(clusterFile{DCs: addrs, PublicKey: string(cl.PublicKeyPEM())})
				if err != nil {
					return err
				}
				if err := os.WriteFile(write, b, 0o600); err != nil {
					return err
				}
				fmt.Fprintf(out, "Connect with: mtgo --cluster %s --api-id 1 --api-hash test <command>\n", write)
			} else {
				fmt.Fprintf(out, "Trust this RSA key (--server-key FILE):\n%s", cl.PublicKeyPEM())
			}
			fmt.Fprintln(out, "Press Ctrl-C to stop.")
			if testdcStarted != nil {
				testdcStarted(cl)
			}
			<-cmd.Context().Done()
			return nil
		},
	}
	cmd.Flags().IntVar(&dcs, "dcs", 3, "number of data centers")
	cmd.Flags().StringVar(&host, "host", "127.0.0.1", "address to listen on")
	cmd.Flags().StringArrayVar(&bots, "bot", nil, "add a bot with this username (repeatable)")
	cmd.Flags().StringVar(&write, "write", "", "save the connection details to this file for --cluster")
	return cmd
}
