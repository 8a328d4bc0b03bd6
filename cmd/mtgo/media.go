package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
)

// transferFlags are the flags download and upload share.
type transferFlags struct {
	parallel   int
	noProgress bool
}

func (t *transferFlags) add(cmd *cobra.Command) {
	cmd.Flags().IntVarP(&t.parallel, "parallel", "p", 4, "parts transferred at once")
	cmd.Flags().BoolVar(&t.noProgress, "no-progress", false, "do not draw the progress bar")
}

// bar returns a progress callback drawing on stderr (nil with --no-progress) and a function
// that finishes the bar.
func (a *app) bar(t *transferFlags, what string) (func(done, total int64), func()) {
	if t.noProgress {
		return func(int64, int64) {}, func() {}
	}
	var b *progressbar.ProgressBar
	update := func(done, total int64) {
		if b == nil {
			b = progressbar.NewOptions64(total,
				progressbar.OptionSetWriter(a.errOut),
				progressbar.OptionSetDescription(what),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(0),
				progressbar.OptionShowCount(),
			)
		}
		if total > 0 && b.GetMax64() != total {
			b.ChangeMax64(total)
		}
		_ = b.Set64(done)
	}
	return update, func() {
		if b != nil {
			_ = b.Finish()
			fmt.Fprintln(a.errOut)
		}
	}
}

// parseMessageRef reads "https://t.me/name/123", "https://t.me/c/<id>/123", "@name/123",
// "name/123" or "<chat id>/123" into a chat (as ResolvePeer takes it) and a message id.
func parseMessageRef(s string) (any, int, error) {
	if u, err := url.Parse(s); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		s = u.Host + u.Path
	}
	for _, host := range []string{"t.me/", "telegram.me/"} {
		s = strings.TrimPrefix(s, host)
	}
	s = strings.Trim(s, "/")
	i := strings.LastIndexByte(s, '/')
	if i <= 0 {
		return nil, 0, usagef("%q: want a t.me link or chat/message", s)
	}
	id, err := strconv.Atoi(s[i+1:])
	if err != nil || id <= 0 {
		return nil, 0, usagef("%q: message id is not a positive number", s)
	}
	if ch, ok := strings.CutPrefix(s[:i], "c/"); ok {
		// a private link names a channel by its id: a positive number with a Bot API form
		n, err := strconv.ParseInt(ch, 10, 64)
		if err != nil || types.ChannelChatID(n) == 0 {
			return nil, 0, usagef("%q: the channel id of a t.me/c/ link is not a positive number", s)
		}
		return types.ChannelChatID(n), id, nil
	}
	return parseChat(s[:i]), id, nil
}

// parseChat turns a chat argument into what ResolvePeer takes: a numeric id (Bot API form),
// or a username.
func parseChat(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if s == "me" || s == "self" {
		return "me"
	}
	return "@" + strings.TrimPrefix(s, "@")
}

func (a *app) downloadCmd() *cobra.Command {
	var t transferFlags
	var output string
	cmd := &cobra.Command{
		Use:   "download <link | chat/message>",
		Short: "Download the media of a message, resumable, with a progress bar",
		Long: `Download the media of a message to a file. The message is a t.me link or chat/message
(@name/12, 123456/12, me/12). The data goes to <file>.part first; running the command again
after an interruption resumes from there. Parts are fetched in parallel (--parallel).
Without -o the file is named after the document (its last path element) in the working
directory, and an existing file of that name is never replaced.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			chat, id, err := parseMessageRef(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := a.authorized(ctx, func(cfg *mtgo.Config) { cfg.MaxConcurrentTransmissions = t.parallel })
			if err != nil {
				return err
			}
			defer c.Stop()
			msgs, err := c.GetMessages(ctx, chat, id)
			if err != nil {
				return err
			}
			if len(msgs) == 0 || msgs[0] == nil || msgs[0].Media == nil {
				return fmt.Errorf("message %d has no media", id)
			}
			path, err := downloadPath(output, msgs[0], id)
			if err != nil {
				return err
			}
			update, finish := a.bar(&t, filepath.Base(path))
			n, err := c.DownloadMessageToFile(ctx, msgs[0], path,
				media.WithWorkers(t.parallel), media.WithProgress(func(p media.Progress) { update(p.Done, p.Total) }))
			finish()
			if err != nil {
				return fmt.Errorf("download (run again to resume from %s.part): %w", path, err)
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"path": path, "size": n})
			}
			_, err = fmt.Fprintf(a.out, "%s %d bytes\n", path, n)
			return err
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write (default: the file's own name)")
	t.add(cmd)
	return cmd
}

// fileName is the name a download is saved under: the document's own name, else one made of
// the message id. The sender chose the name, so only its last path element is kept (after a
// slash or a backslash), without leading dots (no hidden files); a name that is then empty
// or holds control characters gives way to the message id.
func fileName(m *types.Message, id int) string {
	if d, ok := m.Media.(*types.Document); ok {
		name := d.FileName
		if i := strings.LastIndexAny(name, `/\`); i >= 0 {
			name = name[i+1:]
		}
		name = strings.TrimLeft(name, ".")
		if name != "" && !strings.ContainsFunc(name, unicode.IsControl) {
			return name
		}
	}
	return "message_" + strconv.Itoa(id)
}

// downloadPath returns the file download writes: output when the user gave one, else the
// document's name in the working directory, refused when a file of that name exists there
// (a sender could otherwise name the session file or a dotfile and have it replaced).
func downloadPath(output string, m *types.Message, id int) (string, error) {
	if output != "" {
		return output, nil
	}
	path := fileName(m, id)
	if _, err := os.Lstat(path); err == nil {
		return "", fmt.Errorf("%s exists: pass -o to replace it or to choose another file", path)
	}
	return path, nil
}

func (a *app) uploadCmd() *cobra.Command {
	var t transferFlags
	var caption string
	cmd := &cobra.Command{
		Use:   "upload <file> <chat>",
		Short: "Send a file to a chat as a document, with a progress bar",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := a.authorized(ctx, func(cfg *mtgo.Config) { cfg.MaxConcurrentTransmissions = t.parallel })
			if err != nil {
				return err
			}
			defer c.Stop()
			update, finish := a.bar(&t, filepath.Base(args[0]))
			in := types.InputFile{Reader: io.Reader(f), Name: filepath.Base(args[0]), Size: st.Size(), Progress: update}
			opts := []mtgo.SendOption{}
			if caption != "" {
				opts = append(opts, mtgo.WithCaption(caption))
			}
			m, err := c.SendDocument(ctx, parseChat(args[1]), in, opts...)
			finish()
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"message_id": m.ID, "size": st.Size()})
			}
			_, err = fmt.Fprintf(a.out, "sent as message %d (%d bytes)\n", m.ID, st.Size())
			return err
		},
	}
	cmd.Flags().StringVar(&caption, "caption", "", "caption of the document")
	t.add(cmd)
	return cmd
}
