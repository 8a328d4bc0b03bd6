package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

func (a *app) loginCmd() *cobra.Command {
	var token, phone string
	var qr, printSession bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in with a bot token, a phone number (code and 2FA prompts) or a QR code",
		Long: `Log in and keep the session in the session file (--session).

  mtgo login --bot-token 123:ABC        (or env TG_BOT_TOKEN)
  mtgo login --phone +15551234567        asks for the code, then the 2FA password if any
  mtgo login --qr                        draws a QR code to scan in Telegram > Devices

Prompts go to stderr and answers are read from stdin; the 2FA password is not echoed on a
terminal. --print-session also prints the session as a string (keep it secret).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if token == "" {
				token = a.getenv("TG_BOT_TOKEN")
			}
			ways := 0
			for _, on := range []bool{token != "", phone != "", qr} {
				if on {
					ways++
				}
			}
			if ways != 1 {
				return usagef("give exactly one of --bot-token, --phone and --qr")
			}
			ctx := cmd.Context()
			prompt := mtgo.NewTerminalPrompt(a.in, a.errOut)
			lines := bufio.NewReader(a.in)
			c, err := a.newClient(func(cfg *mtgo.Config) {
				cfg.BotToken = token
				cfg.PhoneNumber = phone
				cfg.Code = func(ctx context.Context, phone string, _ mtgo.CodeInfo) (string, error) {
					return a.ask(ctx, lines, "Login code sent to "+phone+": ", false)
				}
				cfg.Password = func(ctx context.Context, hint string) (string, error) {
					q := "Two-step verification password"
					if hint != "" {
						q += " (hint: " + hint + ")"
					}
					return a.ask(ctx, lines, q+": ", true)
				}
				cfg.SignUp = func(ctx context.Context, terms string) (string, string, error) {
					if terms != "" {
						fmt.Fprintf(a.errOut, "This number has no account yet. Terms of service:\n%s\n", terms)
					}
					first, err := a.ask(ctx, lines, "First name: ", false)
					if err != nil {
						return "", "", err
					}
					last, err := a.ask(ctx, lines, "Last name (optional): ", false)
					return first, last, err
				}
			})
			if err != nil {
				return err
			}
			defer c.Stop()
			if err := c.ConnectContext(ctx); err != nil {
				return fmt.Errorf("connect: %w", err)
			}
			if c.Me() != nil {
				return authError{fmt.Errorf("session %s is already logged in as %d: run mtgo logout first", a.sessionPath, c.Me().ID)}
			}
			if qr {
				err = c.LoginQR(ctx, prompt.QR)
			} else {
				err = c.Login(ctx)
			}
			if err != nil {
				return authError{fmt.Errorf("login: %w", err)}
			}
			if err := a.printUser(c.Me()); err != nil {
				return err
			}
			if printSession {
				s, err := c.ExportSessionString()
				if err != nil {
					return err
				}
				fmt.Fprintln(a.out, s)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&token, "bot-token", "", "bot token from @BotFather (env TG_BOT_TOKEN)")
	cmd.Flags().StringVar(&phone, "phone", "", "phone number of the account, international format")
	cmd.Flags().BoolVar(&qr, "qr", false, "log in by scanning a QR code with a logged-in app")
	cmd.Flags().BoolVar(&printSession, "print-session", false, "also print the session as a string")
	return cmd
}

// ask writes question to stderr and reads one line from stdin (without echo for secrets on a
// terminal). It honours ctx while waiting.
func (a *app) ask(ctx context.Context, lines *bufio.Reader, question string, secret bool) (string, error) {
	fmt.Fprint(a.errOut, question)
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		if secret && a.terminal {
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			fmt.Fprintln(a.errOut)
			ch <- answer{string(b), err}
			return
		}
		s, err := lines.ReadString('\n')
		if err != nil && s == "" {
			ch <- answer{"", fmt.Errorf("reading the answer: %w", err)}
			return
		}
		ch <- answer{strings.TrimSpace(s), nil}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (a *app) logoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "End the session on the server and clear the session file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd.Context(), func(c *mtgo.Client) error {
				if err := c.LogOutContext(cmd.Context()); err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(map[string]bool{"logged_out": true})
				}
				_, err := fmt.Fprintln(a.out, "logged out")
				return err
			})
		},
	}
}

func (a *app) whoamiCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Print the account of the session",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd.Context(), func(c *mtgo.Client) error { return a.printUser(c.Me()) })
		},
	}
}

// printUser prints the logged-in account: a line of text, or JSON with --json.
func (a *app) printUser(u *types.User) error {
	if a.jsonOut {
		return a.printJSON(map[string]any{"id": u.ID, "username": u.Username, "first_name": u.FirstName,
			"last_name": u.LastName, "phone": u.Phone, "bot": u.IsBot})
	}
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	kind := "user"
	if u.IsBot {
		kind = "bot"
	}
	at := ""
	if u.Username != "" {
		at = " @" + u.Username
	}
	_, err := fmt.Fprintf(a.out, "%s %d%s %s\n", kind, u.ID, at, name)
	return err
}
