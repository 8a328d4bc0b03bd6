package main

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/teletest/testdc"
)

// Exit codes, documented in README.md and in `mtgo --help`.
const (
	exitOK       = 0 // success
	exitFailure  = 1 // the operation failed (network, RPC error, file error)
	exitUsage    = 2 // bad command line: unknown command or flag, wrong arguments
	exitAuth     = 3 // not logged in, or the login was refused
	exitCanceled = 4 // interrupted (Ctrl-C) or the context ended
)

// usageError marks an error of the command line (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// authError marks a missing or refused login (exit code 3).
type authError struct{ err error }

func (e authError) Error() string { return e.err.Error() }
func (e authError) Unwrap() error { return e.err }

// exitCode maps an error to the documented exit code.
func exitCode(err error) int {
	var ue usageError
	var ae authError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ae), errors.Is(err, mtgo.ErrNoLoginMethod):
		return exitAuth
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return exitCanceled
	}
	return exitFailure
}

// oneLine flattens an error message for stderr.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// app is one run of the command: its streams, its global flags and the hooks tests replace.
type app struct {
	in       io.Reader
	out      io.Writer
	errOut   io.Writer
	getenv   func(string) string
	terminal bool // stdin is a terminal: passwords are read without echo

	apiID       int
	apiHash     string
	sessionPath string
	proxy       string
	testDC      bool
	logLevel    string
	jsonOut     bool
	cluster     string   // file written by `mtgo testdc --write`
	dcAddrs     []string // "N=host:port"
	serverKey   string   // PEM file of the server's RSA key

	// edit, when set (tests), adjusts every client configuration last.
	edit func(*mtgo.Config)
}

// run executes args and returns the exit code; errors are printed on one line to errOut.
func (a *app) run(ctx context.Context, args []string) int {
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(a.in)
	root.SetOut(a.out)
	root.SetErr(a.errOut)
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	err := root.ExecuteContext(ctx)
	if err != nil {
		if strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "accepts ") ||
			strings.HasPrefix(err.Error(), "requires ") {
			err = usageError{err}
		}
		fmt.Fprintln(a.errOut, "mtgo: "+oneLine(err))
	}
	return exitCode(err)
}

const exitCodesHelp = `Exit codes: 0 success, 1 failure (network, RPC error, file), 2 bad command line,
3 not logged in or login refused, 4 interrupted.`

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "mtgo",
		Short: "Telegram from the command line, with the MTGo library",
		Long: `mtgo logs in to Telegram and keeps a session file, converts session strings between
libraries, calls any API method with JSON parameters, moves files with a progress bar,
streams updates and exports chats as JSON lines.

API credentials come from --api-id/--api-hash or TG_API_ID/TG_API_HASH. Errors are printed
on one line on stderr.

` + exitCodesHelp,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.loadEnv(cmd) },
	}
	f := root.PersistentFlags()
	f.IntVar(&a.apiID, "api-id", 0, "API id (env TG_API_ID)")
	f.StringVar(&a.apiHash, "api-hash", "", "API hash (env TG_API_HASH)")
	f.StringVarP(&a.sessionPath, "session", "s", "mtgo.session", "session file (env MTGO_SESSION)")
	f.StringVar(&a.proxy, "proxy", "", "proxy URL: socks5://user:pass@host:port or http://host:port")
	f.BoolVar(&a.testDC, "test-dc", false, "use Telegram's test data centers")
	f.StringVar(&a.logLevel, "log-level", "error", "log level: debug, info, warn, error")
	f.BoolVar(&a.jsonOut, "json", false, "print results as JSON")
	f.StringVar(&a.cluster, "cluster", "", "connect to a test cluster described by this file (mtgo testdc -write)")
	f.StringArrayVar(&a.dcAddrs, "dc", nil, "data center address N=host:port (repeatable)")
	f.StringVar(&a.serverKey, "server-key", "", "PEM file of the server's RSA public key (custom servers)")
	root.AddCommand(a.loginCmd(), a.logoutCmd(), a.whoamiCmd(), a.sessionCmd(), a.invokeCmd(),
		a.downloadCmd(), a.uploadCmd(), a.updatesCmd(), a.historyCmd(), a.testdcCmd(), a.docsCmd())
	return root
}

// loadEnv fills the flags not given from the environment.
func (a *app) loadEnv(cmd *cobra.Command) error {
	f := cmd.Flags()
	if !f.Changed("api-id") {
		if v := a.getenv("TG_API_ID"); v != "" {
			id, err := strconv.Atoi(v)
			if err != nil {
				return usagef("TG_API_ID is not a number")
			}
			a.apiID = id
		}
	}
	if !f.Changed("api-hash") && a.getenv("TG_API_HASH") != "" {
		a.apiHash = a.getenv("TG_API_HASH")
	}
	if !f.Changed("session") && a.getenv("MTGO_SESSION") != "" {
		a.sessionPath = a.getenv("MTGO_SESSION")
	}
	return nil
}

// config builds the client configuration of the global flags; edit adjusts it.
func (a *app) config(edit func(*mtgo.Config)) (*mtgo.Config, error) {
	cfg := mtgo.DefaultConfig
	cfg.SessionName = strings.TrimSuffix(a.sessionPath, ".session")
	cfg.Proxy = a.proxy
	cfg.TestMode = a.testDC
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(a.logLevel)); err != nil {
		return nil, usagef("--log-level %q: want debug, info, warn or error", a.logLevel)
	}
	cfg.Log.Handler = slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: lvl})
	if a.cluster != "" {
		raw, err := os.ReadFile(a.cluster)
		if err != nil {
			return nil, fmt.Errorf("cluster file: %w", err)
		}
		var cf testdc.ConnectFile
		if err := json.Unmarshal(raw, &cf); err != nil {
			return nil, fmt.Errorf("cluster file %s: %w", a.cluster, err)
		}
		cfg.DCAddrs = cf.DCs
		key, err := parseKey([]byte(cf.PublicKey))
		if err != nil {
			return nil, fmt.Errorf("cluster file %s: %w", a.cluster, err)
		}
		cfg.PublicKeys = []*rsa.PublicKey{key}
	}
	for _, s := range a.dcAddrs {
		id, addr, ok := strings.Cut(s, "=")
		n, err := strconv.Atoi(id)
		if !ok || err != nil || n < 1 {
			return nil, usagef("--dc %q: want N=host:port", s)
		}
		if cfg.DCAddrs == nil {
			cfg.DCAddrs = map[int]string{}
		}
		cfg.DCAddrs[n] = addr
	}
	if a.serverKey != "" {
		raw, err := os.ReadFile(a.serverKey)
		if err != nil {
			return nil, fmt.Errorf("server key: %w", err)
		}
		key, err := parseKey(raw)
		if err != nil {
			return nil, fmt.Errorf("server key %s: %w", a.serverKey, err)
		}
		cfg.PublicKeys = []*rsa.PublicKey{key}
	}
	if edit != nil {
		edit(&cfg)
	}
	if a.edit != nil {
		a.edit(&cfg)
	}
	return &cfg, nil
}

func parseKey(raw []byte) (*rsa.PublicKey, error) {
	b, _ := pem.Decode(raw)
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS1PublicKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not an RSA public key: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA public key")
	}
	return rk, nil
}

// newClient returns a client of the global flags, not yet connected.
func (a *app) newClient(edit func(*mtgo.Config)) (*mtgo.Client, error) {
	if a.apiID == 0 || a.apiHash == "" {
		return nil, usagef("API credentials missing: pass --api-id and --api-hash or set TG_API_ID and TG_API_HASH")
	}
	cfg, err := a.config(edit)
	if err != nil {
		return nil, err
	}
	return mtgo.NewClient(a.apiID, a.apiHash, cfg)
}

// authorized connects a client of the session and fails with exit code 3 unless it is logged in.
// The caller stops it.
func (a *app) authorized(ctx context.Context, edit func(*mtgo.Config)) (*mtgo.Client, error) {
	c, err := a.newClient(edit)
	if err != nil {
		return nil, err
	}
	if err := c.ConnectContext(ctx); err != nil {
		c.Stop()
		return nil, fmt.Errorf("connect: %w", err)
	}
	if c.Me() == nil {
		c.Stop()
		return nil, authError{fmt.Errorf("session %s is not logged in: run mtgo login", a.sessionPath)}
	}
	return c, nil
}

// withClient runs fn with a logged-in client of the session and stops the client after.
func (a *app) withClient(ctx context.Context, fn func(*mtgo.Client) error) error {
	c, err := a.authorized(ctx, nil)
	if err != nil {
		return err
	}
	defer c.Stop()
	return fn(c)
}

// printJSON writes v as one line of JSON.
func (a *app) printJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.out, "%s\n", b)
	return err
}
