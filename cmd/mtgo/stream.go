package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/tl/tgjson"
)

// chatMatcher holds the Bot API ids of the --chat filters; empty matches every update.
type chatMatcher map[int64]bool

func (m chatMatcher) match(c *types.Chat) bool {
	return len(m) == 0 || (c != nil && m[c.ID])
}

// resolveChats turns chat arguments (Bot API id, @username, me) into a matcher, resolving
// usernames once so that updates whose chat arrives without its username still match.
func resolveChats(ctx context.Context, c *mtgo.Client, args []string) (chatMatcher, error) {
	m := chatMatcher{}
	for _, arg := range args {
		p, err := c.ResolvePeer(ctx, parseChat(arg))
		if err != nil {
			return nil, fmt.Errorf("--chat %s: %w", arg, err)
		}
		switch p := p.(type) {
		case *tg.InputPeerUser:
			m[p.UserID] = true
		case *tg.InputPeerSelf:
			m[c.Me().ID] = true
		case *tg.InputPeerChat:
			m[-p.ChatID] = true
		case *tg.InputPeerChannel:
			m[-1000000000000-p.ChannelID] = true
		default:
			return nil, usagef("--chat %s: not a chat", arg)
		}
	}
	return m, nil
}

// kindMatcher matches an update's TL name against the --kind filters (a name or a prefix
// ending in *; "NewMessage" also matches "updateNewMessage").
type kindMatcher []string

func (m kindMatcher) match(name string) bool {
	if len(m) == 0 {
		return true
	}
	for _, k := range m {
		if pre, ok := strings.CutSuffix(k, "*"); ok {
			if strings.HasPrefix(name, pre) {
				return true
			}
		} else if name == k || name == "update"+k {
			return true
		}
	}
	return false
}

func (a *app) updatesCmd() *cobra.Command {
	var kinds, chats []string
	var limit int
	cmd := &cobra.Command{
		Use:   "updates",
		Short: "Stream updates as JSON lines (filter by kind and chat)",
		Long: `Print every update the account receives as one JSON line:
{"kind":"updateNewMessage","chat_id":123,"update":{...}} (chat_id when the update has a chat).
--kind keeps updates of a TL name (updateNewMessage, NewMessage, or a prefix like updateBot*),
--chat those of a chat (Bot API id or @username); both repeat. Runs until Ctrl-C or --limit.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := a.authorized(ctx, nil)
			if err != nil {
				return err
			}
			defer c.Stop()
			chatFilter, err := resolveChats(ctx, c, chats)
			if err != nil {
				return err
			}
			out := newLinePrinter(a.printJSON, limit)
			c.OnRawUpdate(func(uc *mtgo.Context, u tg.UpdateClass) error {
				chat := uc.Chat()
				if !kindMatcher(kinds).match(u.TypeName()) || !chatFilter.match(chat) {
					return nil
				}
				raw, err := tgjson.Marshal(u)
				line := map[string]any{"kind": u.TypeName(), "update": json.RawMessage(raw)}
				if err != nil {
					line["update"], line["error"] = nil, err.Error()
				}
				if chat != nil {
					line["chat_id"] = chat.ID
				}
				out.print(line)
				return nil
			})
			fmt.Fprintln(a.errOut, "streaming updates; Ctrl-C stops")
			select {
			case <-out.done:
				return out.err()
			case <-ctx.Done():
				return nil // Ctrl-C is the normal end of a stream
			}
		},
	}
	cmd.Flags().StringArrayVar(&kinds, "kind", nil, "keep updates of this TL name or prefix* (repeatable)")
	cmd.Flags().StringArrayVar(&chats, "chat", nil, "keep updates of this chat (repeatable)")
	cmd.Flags().IntVarP(&limit, "limit", "n", 0, "stop after this many updates (0: never)")
	return cmd
}

// linePrinter prints the updates command's lines from the handlers, which run in parallel
// (one chat's updates in order), until --limit lines were printed or a print failed; done
// is closed then.
type linePrinter struct {
	write func(any) error
	limit int // 0: no limit
	done  chan struct{}

	mu     sync.Mutex
	n      int
	failed error
}

func newLinePrinter(write func(any) error, limit int) *linePrinter {
	return &linePrinter{write: write, limit: limit, done: make(chan struct{})}
}

// print writes line unless the stream already ended.
func (p *linePrinter) print(line any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failed != nil || (p.limit > 0 && p.n >= p.limit) {
		return
	}
	if err := p.write(line); err != nil {
		p.failed = err
		close(p.done)
		return
	}
	p.n++
	if p.limit > 0 && p.n == p.limit {
		close(p.done)
	}
}

// err returns the failed print's error, once done is closed.
func (p *linePrinter) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failed
}

func (a *app) historyCmd() *cobra.Command {
	var limit int
	var mediaDir string
	var t transferFlags
	cmd := &cobra.Command{
		Use:   "history <chat>",
		Short: "Export a chat as JSON lines, newest first, with its media optionally",
		Long: `Print the messages of a chat as JSON lines, newest first:
{"id":12,"date":1700000000,"message":{...the TL message...},"media_file":"dir/12_name"}.
--media DIR downloads each message's media into DIR (media_file names it).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := a.authorized(ctx, func(cfg *mtgo.Config) { cfg.MaxConcurrentTransmissions = t.parallel })
			if err != nil {
				return err
			}
			defer c.Stop()
			if mediaDir != "" {
				if err := os.MkdirAll(mediaDir, 0o755); err != nil {
					return err
				}
			}
			var opts []mtgo.HistoryOption
			if limit > 0 {
				opts = append(opts, mtgo.WithLimit(limit))
			}
			for m, err := range c.GetChatHistory(ctx, parseChat(args[0]), opts...) {
				if err != nil {
					return err
				}
				raw, err := tgjson.Marshal(m.Raw())
				if err != nil {
					return fmt.Errorf("message %d: %w", m.ID, err)
				}
				line := map[string]any{"id": m.ID, "date": m.Date.Unix(), "message": json.RawMessage(raw)}
				if mediaDir != "" && m.Media != nil {
					path := filepath.Join(mediaDir, strconv.Itoa(m.ID)+"_"+fileName(m, m.ID))
					if _, err := c.DownloadMessageToFile(ctx, m, path); err != nil {
						line["media_error"] = err.Error()
					} else {
						line["media_file"] = path
					}
				}
				if err := a.printJSON(line); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().IntVarP(&limit, "limit", "n", 0, "at most this many messages (0: all)")
	cmd.Flags().StringVar(&mediaDir, "media", "", "download media into this directory")
	t.add(cmd)
	return cmd
}
