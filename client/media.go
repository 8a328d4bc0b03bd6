package mtgo

import (
	"context"
	"fmt"
	"io"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// This file wires the media module (parallel, resumable transfers, CDN, file references) to
// the client's per-DC connections. The media package decides what to do with FLOOD_WAIT,
// FILE_MIGRATE and FILE_REFERENCE_EXPIRED per part, so its invokers are raw connections
// without the managed policy of Invoke.

// Media returns a transfer engine over the client's connections: Config.MaxConcurrentTransmissions
// parts in flight per transfer, 8000 upload parts for premium accounts. Use it for the
// options of package media (ranges, part sizes); Upload and Download below cover the
// common cases.
func (c *Client) Media() *media.Client {
	opt := media.Options{
		Workers:             max(c.cfg.MaxConcurrentTransmissions, 1),
		FloodSleepThreshold: c.cfg.SleepThreshold, // one flood limit for Invoke and transfers
		Logger:              c.Log.Slog().With("module", "media"),
	}
	if me := c.Me(); me != nil && me.IsPremium {
		opt.MaxParts = media.PremiumMaxParts
	}
	return media.New(mediaPool{c: c}, opt)
}

// Upload sends size bytes from r (size < 0: unknown) and returns the tg.InputFileClass to
// use in messages.sendMedia or messages.uploadMedia. See media.Client.Upload.
func (c *Client) Upload(ctx context.Context, r io.Reader, size int64, name string, opts ...media.Option) (tg.InputFileClass, error) {
	return c.Media().Upload(ctx, r, size, name, opts...)
}

// UploadFile uploads the file at path under its base name.
func (c *Client) UploadFile(ctx context.Context, path string, opts ...media.Option) (tg.InputFileClass, error) {
	return c.Media().UploadFile(ctx, path, opts...)
}

// Download writes the file at loc to w and returns the bytes written. See
// media.Client.Download; media.MediaLocation and friends build locations.
func (c *Client) Download(ctx context.Context, loc media.Location, w io.Writer, opts ...media.Option) (int64, error) {
	return c.Media().Download(ctx, loc, w, opts...)
}

// DownloadToFile downloads the file at loc to path, resuming path+".part" when present.
func (c *Client) DownloadToFile(ctx context.Context, loc media.Location, path string, opts ...media.Option) (int64, error) {
	return c.Media().DownloadToFile(ctx, loc, path, opts...)
}

// DownloadMedia downloads the file of message media m (the largest photo size, the document)
// to w. Without a refresher an expired file reference fails the download; DownloadMessage
// refreshes it by fetching the message again.
func (c *Client) DownloadMedia(ctx context.Context, m tg.MessageMediaClass, w io.Writer, opts ...media.Option) (int64, error) {
	loc, err := media.MediaLocation(m)
	if err != nil {
		return 0, err
	}
	return c.Download(ctx, loc, w, opts...)
}

// DownloadMessage downloads the media of msg to w. An expired file reference is refreshed by
// fetching the message again. A message without media fails with ErrContextNoMedia.
func (c *Client) DownloadMessage(ctx context.Context, msg *types.Message, w io.Writer, opts ...media.Option) (int64, error) {
	loc, opts, err := c.messageLocation(msg, opts)
	if err != nil {
		return 0, err
	}
	return c.Download(ctx, loc, w, opts...)
}

// DownloadMessageToFile downloads the media of msg to path (resuming path+".part").
func (c *Client) DownloadMessageToFile(ctx context.Context, msg *types.Message, path string, opts ...media.Option) (int64, error) {
	loc, opts, err := c.messageLocation(msg, opts)
	if err != nil {
		return 0, err
	}
	return c.DownloadToFile(ctx, loc, path, opts...)
}

func (c *Client) messageLocation(msg *types.Message, opts []media.Option) (media.Location, []media.Option, error) {
	if msg == nil {
		return media.Location{}, nil, ErrContextNoMessage
	}
	if msg.Media == nil {
		return media.Location{}, nil, ErrContextNoMedia
	}
	loc, err := media.MediaLocation(msg.Media)
	if err != nil {
		return media.Location{}, nil, err
	}
	refresh := media.WithRefresher(func(ctx context.Context, _ tg.InputFileLocationClass) (tg.InputFileLocationClass, error) {
		return c.refetchLocation(ctx, msg)
	})
	return loc, append([]media.Option{refresh}, opts...), nil
}

// refetchLocation fetches msg again and returns the location of its media, with a fresh file
// reference.
func (c *Client) refetchLocation(ctx context.Context, msg *types.Message) (tg.InputFileLocationClass, error) {
	if msg.Chat == nil {
		return nil, ErrContextNoChat
	}
	ids := []tg.InputMessageClass{&tg.InputMessageID{ID: int32(msg.ID)}}
	var req tl.Encoder = &tg.MessagesGetMessagesRequest{ID: ids}
	if p, ok := msg.Chat.InputPeer().(*tg.InputPeerChannel); ok {
		req = &tg.ChannelsGetMessagesRequest{Channel: &tg.InputChannel{ChannelID: p.ChannelID, AccessHash: p.AccessHash}, ID: ids}
	}
	var res tg.MessagesMessagesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: fetch message %d again: %w", msg.ID, err)
	}
	var list []tg.MessageClass
	switch r := res.MessagesMessages.(type) {
	case *tg.MessagesMessages:
		list = r.Messages
	case *tg.MessagesMessagesSlice:
		list = r.Messages
	case *tg.MessagesChannelMessages:
		list = r.Messages
	}
	for _, m := range list {
		if m, ok := m.(*tg.Message); ok && int(m.ID) == msg.ID {
			loc, err := media.MediaLocation(m.Media)
			if err != nil {
				return nil, err
			}
			return loc.Input, nil
		}
	}
	return nil, fmt.Errorf("%w: message %d", ErrNoMessage, msg.ID)
}

// DownloadMessage implements types.MediaAPI for bound messages.
func (a clientAPI) DownloadMessage(ctx context.Context, msg *types.Message, w io.Writer, opts ...media.Option) (int64, error) {
	return a.c.DownloadMessage(ctx, msg, w, opts...)
}

// DownloadMessageToFile implements types.MediaAPI for bound messages.
func (a clientAPI) DownloadMessageToFile(ctx context.Context, msg *types.Message, path string, opts ...media.Option) (int64, error) {
	return a.c.DownloadMessageToFile(ctx, msg, path, opts...)
}

// mediaPool implements media.Pool over the client's connections: the home connection, pooled
// media-only sessions per data center (authorized by exporting the home authorization), and
// CDN sessions.
type mediaPool struct{ c *Client }

// DC implements media.Pool.
func (p mediaPool) DC(_ context.Context, dc int, kind media.Kind) (tg.Invoker, error) {
	return mediaInvoker{c: p.c, dc: dc, kind: kind}, nil
}

type mediaInvoker struct {
	c    *Client
	dc   int
	kind media.Kind
}

// Invoke makes one attempt, bounded by Config.RequestTimeout, on the connection the invoker
// names. A pooled session that lost its imported authorization (401) is re-authorized once.
func (i mediaInvoker) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	for reauth := false; ; reauth = true {
		actx, cancel := context.WithTimeout(ctx, i.c.cfg.RequestTimeout)
		lc, dc, release, err := i.c.mediaConn(actx, i.dc, i.kind)
		if err == nil {
			err = i.c.invokeConn(actx, lc, in, out)
			release()
		}
		timedOut := err != nil && ctx.Err() == nil && actx.Err() != nil
		cancel()
		if timedOut {
			return fmt.Errorf("mtgo: %s: attempt timed out after %s: %w", methodName(in), i.c.cfg.RequestTimeout, err)
		}
		rpc, ok := session.AsRPCError(err)
		if !ok || rpc.Code != 401 || reauth || i.kind == media.KindCDN || lc == nil || lc == i.c.homeConn() {
			return err
		}
		i.c.pool.forget(dc, i.kind == media.KindMedia)
	}
}

// homeConn returns the home connection, nil before Connect.
func (c *Client) homeConn() *liveConn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.home
}

// mediaConn returns the connection for one call of (dc, kind), dc 0 being the home data
// center, and the function to call when the call is done. Media and CDN calls are spread over
// the data center's transfer lanes.
func (c *Client) mediaConn(ctx context.Context, dc int, kind media.Kind) (*liveConn, int, func(), error) {
	c.mu.Lock()
	closed, home, homeDC := c.closed, c.home, c.homeDC
	c.mu.Unlock()
	if closed {
		return nil, dc, nil, ErrClientClosed
	}
	if home == nil {
		return nil, dc, nil, ErrNotConnected
	}
	if dc == 0 {
		dc = homeDC
	}
	switch {
	case kind == media.KindCDN || kind == media.KindMedia:
		lc, release, err := c.pool.claim(ctx, dc, kind == media.KindMedia, kind == media.KindCDN)
		return lc, dc, release, err
	case dc == homeDC:
		return home, dc, func() {}, nil
	default:
		lc, err := c.pool.get(ctx, dc, false, false)
		return lc, dc, func() {}, err
	}
}
