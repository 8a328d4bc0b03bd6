package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/cmd/mtgo/internal/sessfmt"
	"github.com/mtgo-labs/mtgo/session"
	sessionstrings "github.com/mtgo-labs/mtgo/session/strings"
)

func (a *app) sessionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "session",
		Short: "Export, import and convert sessions (MTGo, Pyrogram, Telethon, GramJS, mtcute)",
		Long: `Move a session between the session file and session strings of MTGo, Pyrogram,
Telethon, GramJS and mtcute. Strings are read in any of those formats (detected) and written
in the one --format/--to names, where that format can hold the session: Pyrogram strings have
no server address (it is looked up by data center), Telethon strings need an IP address, and
only MTGo and Pyrogram strings keep the API id. A session string grants full access to the
account: keep it secret.`,
	}
	var format string
	export := &cobra.Command{
		Use:   "export",
		Short: "Print the session file's session as a string",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := a.readSessionFile()
			if err != nil {
				return err
			}
			return a.printSessionString(sessionstrings.Format(format), d)
		},
	}
	export.Flags().StringVar(&format, "format", "mtgo", "format: mtgo, pyrogram, telethon, gramjs, mtcute")
	imp := &cobra.Command{
		Use:   "import <string|->",
		Short: "Write a session string (any format; - reads stdin) into the session file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := a.importString(args[0])
			if err != nil {
				return err
			}
			if d.UserID == 0 && a.apiID != 0 && a.apiHash != "" {
				return a.importOnline(cmd.Context(), d)
			}
			return a.writeSessionFile(d)
		},
	}
	var to string
	convert := &cobra.Command{
		Use:   "convert <string|->",
		Short: "Convert a session string to another library's format",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := a.importString(args[0])
			if err != nil {
				return err
			}
			return a.printSessionString(sessionstrings.Format(to), d)
		},
	}
	convert.Flags().StringVar(&to, "to", "mtgo", "format: mtgo, pyrogram, telethon, gramjs, mtcute")
	cmd.AddCommand(export, imp, convert)
	return cmd
}

// importString reads a session string of any known format (- reads one line of stdin). The
// API id of the flags fills in a format that does not carry one.
func (a *app) importString(arg string) (sessionstrings.Data, error) {
	if arg == "-" {
		line, err := bufio.NewReader(a.in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return sessionstrings.Data{}, fmt.Errorf("reading stdin: %w", err)
		}
		arg = line
	}
	d, err := sessionstrings.Import(strings.TrimSpace(arg))
	if err != nil {
		return sessionstrings.Data{}, usageError{err}
	}
	if d.APIID == 0 {
		d.APIID = int32(a.apiID)
	}
	return d, nil
}

func (a *app) printSessionString(f sessionstrings.Format, d sessionstrings.Data) error {
	s, err := sessfmt.Export(f, d)
	if err != nil {
		return err
	}
	if a.jsonOut {
		return a.printJSON(map[string]any{"format": f, "session": s, "dc": d.DC, "user_id": d.UserID, "bot": d.Bot})
	}
	_, err = fmt.Fprintln(a.out, s)
	return err
}

// readSessionFile returns the home session of the session file.
func (a *app) readSessionFile() (sessionstrings.Data, error) {
	path := storage.SessionPath(a.sessionPath)
	if _, err := os.Stat(path); err != nil {
		return sessionstrings.Data{}, authError{fmt.Errorf("session file: %w", err)}
	}
	f, err := storage.Open(path, nil)
	if err != nil {
		return sessionstrings.Data{}, fmt.Errorf("session file: %w", err)
	}
	defer f.Close()
	ctx := context.Background()
	dc, err := f.HomeDC(ctx)
	if err != nil {
		return sessionstrings.Data{}, fmt.Errorf("session file: %w", err)
	}
	// The home DC is recorded after a migration; before one the session is on the default DC.
	var s session.Session
	for _, try := range append([]int{dc, mtgo.DefaultDC}, 1, 3, 4, 5) {
		if try == 0 {
			continue
		}
		got, err := f.LoadSession(ctx, try)
		if err == nil && got.HasKey() {
			s = got
			break
		}
		if err != nil && !errors.Is(err, session.ErrNoSession) {
			return sessionstrings.Data{}, fmt.Errorf("session file %s: %w", path, err)
		}
	}
	if !s.HasKey() {
		return sessionstrings.Data{}, authError{fmt.Errorf("session file %s holds no session", path)}
	}
	id, err := f.Identity(ctx)
	if err != nil {
		return sessionstrings.Data{}, fmt.Errorf("session file: %w", err)
	}
	return sessionstrings.Data{DC: s.DC, Addr: s.Addr, TestMode: s.TestMode, AuthKey: s.AuthKey,
		UserID: id.UserID, Bot: id.Bot, APIID: int32(a.apiID)}, nil
}

// importOnline stores a session that names no account (Telethon, GramJS) through a client,
// which asks the server who it is, so the session file knows its account.
func (a *app) importOnline(ctx context.Context, d sessionstrings.Data) error {
	str, err := sessionstrings.Export(d)
	if err != nil {
		return err
	}
	c, err := a.newClient(func(cfg *mtgo.Config) { cfg.SessionString = str })
	if err != nil {
		return err
	}
	defer c.Stop()
	if err := c.ConnectContext(ctx); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if c.Me() == nil {
		return authError{fmt.Errorf("the %s session is not logged in", d.Format)}
	}
	if a.jsonOut {
		return a.printJSON(map[string]any{"session_file": storage.SessionPath(a.sessionPath), "dc": d.DC, "from": d.Format, "user_id": c.Me().ID})
	}
	_, err = fmt.Fprintf(a.out, "%s session written to %s (DC %d, account %d)\n", d.Format, storage.SessionPath(a.sessionPath), d.DC, c.Me().ID)
	return err
}

// writeSessionFile stores d as the home session of the session file.
func (a *app) writeSessionFile(d sessionstrings.Data) error {
	f, err := storage.Open(storage.SessionPath(a.sessionPath), nil)
	if err != nil {
		return fmt.Errorf("session file: %w", err)
	}
	defer f.Close()
	ctx := context.Background()
	s := session.Session{DC: d.DC, Addr: d.Addr, TestMode: d.TestMode, AuthKey: d.AuthKey, UserID: d.UserID, Bot: d.Bot}
	if err := f.SaveSession(ctx, s); err != nil {
		return fmt.Errorf("session file: %w", err)
	}
	if err := f.SetHomeDC(ctx, d.DC); err != nil {
		return fmt.Errorf("session file: %w", err)
	}
	if err := f.SetIdentity(ctx, storage.Identity{UserID: d.UserID, Bot: d.Bot}); err != nil {
		return fmt.Errorf("session file: %w", err)
	}
	if a.jsonOut {
		return a.printJSON(map[string]any{"session_file": storage.SessionPath(a.sessionPath), "dc": d.DC, "from": d.Format})
	}
	_, err = fmt.Fprintf(a.out, "%s session written to %s (DC %d)\n", d.Format, storage.SessionPath(a.sessionPath), d.DC)
	return err
}
