package mtgo

import (
	"context"
	"fmt"
	"io"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/fileid"
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
		WebFileDC:           c.eng.WebfileDC(),    // upload.getWebFile goes to config.webfile_dc_id
		Logger:              c.Log.Slog().With("module", "media"),
	}
	if me := c.Me(); me != nil && me.IsPremium {
		opt.MaxParts = media.PremiumMaxParts
	}
	return media.New(c.eng.MediaPool(), opt)
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

// DownloadMedia downloads the file of m to w: message media (tg.MessageMediaClass: the
// largest photo size, the document), typed media with a file (types.Media such as
// *types.Photo or *types.Video, a *types.File or *types.Thumbnail), a Bot API file id
// (types.FileID or a string), a web file (webfile.go), a *types.Message (as DownloadMessage),
// or a *types.SecretMessage or its External (as DownloadSecretExternal; an encrypted file is
// DecryptSecretFile's: ErrMediaArgument). Without a refresher an expired file reference fails
// the download; DownloadMessage refreshes it by fetching the message again.
func (c *Client) DownloadMedia(ctx context.Context, m any, w io.Writer, opts ...media.Option) (int64, error) {
	loc, opts, err := c.locate(ctx, m, opts)
	if err != nil {
		return 0, err
	}
	return c.Download(ctx, loc, w, opts...)
}

// DownloadByFileID downloads the file a Bot API file id names (types.File.FileID, or an id
// from a bot written with another library) to w; ids of web files download with
// upload.getWebFile. Ids of photos named by a secret alone have nothing to download here and
// fail with fileid.ErrConvert; malformed ids with fileid.ErrInvalid.
func (c *Client) DownloadByFileID(ctx context.Context, fileID string, w io.Writer, opts ...media.Option) (int64, error) {
	return c.DownloadMedia(ctx, fileID, w, opts...)
}

// DownloadByFileIDToFile downloads the file a Bot API file id names to path (resuming
// path+".part").
func (c *Client) DownloadByFileIDToFile(ctx context.Context, fileID, path string, opts ...media.Option) (int64, error) {
	loc, err := mediaLocationOf(fileID)
	if err != nil {
		return 0, err
	}
	return c.DownloadToFile(ctx, loc, path, opts...)
}

// mediaLocationOf is the file DownloadMedia downloads for m.
func mediaLocationOf(m any) (media.Location, error) {
	if loc, ok, err := webLocationOf(m); ok { // webfile.go
		return loc, err
	}
	switch m := m.(type) {
	case media.Location:
		return m, nil
	case tg.MessageMediaClass:
		return media.MediaLocation(m)
	case types.FileID:
		return mediaLocationOf(string(m))
	case string:
		loc, err := fileid.Decode(m)
		if err != nil {
			return media.Location{}, fmt.Errorf("mtgo: file id: %w", err)
		}
		ml, err := loc.MediaLocation()
		if err != nil {
			return media.Location{}, fmt.Errorf("mtgo: file id: %w", err)
		}
		return ml, nil
	case *types.File:
		return m.MediaLocation()
	case *types.Thumbnail:
		return m.MediaLocation()
	case types.Media:
		if f := types.FileOf(m); f != nil && f.HasFile() {
			return f.MediaLocation()
		}
		return media.Location{}, fmt.Errorf("%w: %v", media.ErrNoDownloadableMedia, m.Kind())
	case nil:
		return media.Location{}, media.ErrMediaNil
	}
	return media.Location{}, fmt.Errorf("%w: %T", ErrMediaArgument, m)
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
	var loc media.Location
	var err error
	if raw := msg.RawMedia(); raw != nil {
		loc, err = media.MediaLocation(raw)
	} else {
		loc, err = mediaLocationOf(msg.Media) // a message built by hand
	}
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
	m, err := c.fetchMessage(ctx, msg.Chat.InputPeer(), msg.ID)
	if err != nil {
		return nil, err
	}
	loc, err := media.MediaLocation(m.Media)
	if err != nil {
		return nil, err
	}
	return loc.Input, nil
}

// fetchMessage fetches message id of peer (messages.getMessages, or channels.getMessages in
// a channel).
func (c *Client) fetchMessage(ctx context.Context, peer tg.InputPeerClass, id int) (*tg.Message, error) {
	id32, err := wireMessageID(id)
	if err != nil {
		return nil, fmt.Errorf("mtgo: get message: %w", err)
	}
	ids := []tg.InputMessageClass{&tg.InputMessageID{ID: id32}}
	var req tl.Encoder = &tg.MessagesGetMessagesRequest{ID: ids}
	if p, ok := peer.(*tg.InputPeerChannel); ok {
		req = &tg.ChannelsGetMessagesRequest{Channel: &tg.InputChannel{ChannelID: p.ChannelID, AccessHash: p.AccessHash}, ID: ids}
	}
	var res tg.MessagesMessagesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: fetch message %d: %w", id, err)
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
		if m, ok := m.(*tg.Message); ok && int(m.ID) == id {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w: message %d", ErrNoMessage, id)
}

// DownloadMessage implements types.MediaAPI for bound messages.
func (a clientAPI) DownloadMessage(ctx context.Context, msg *types.Message, w io.Writer, opts ...media.Option) (int64, error) {
	return a.c.DownloadMessage(ctx, msg, w, opts...)
}

// DownloadMessageToFile implements types.MediaAPI for bound messages.
func (a clientAPI) DownloadMessageToFile(ctx context.Context, msg *types.Message, path string, opts ...media.Option) (int64, error) {
	return a.c.DownloadMessageToFile(ctx, msg, path, opts...)
}
