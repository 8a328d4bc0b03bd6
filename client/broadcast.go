package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/client/broadcast"
)

// BroadcastConfig configures a BroadcastStream: the ffmpeg binary, the source, codecs,
// bitrates, size, frame rate, loop, restarts and events. See package broadcast.
type BroadcastConfig = broadcast.Config

// Broadcast sources for BroadcastConfig.Source and SetSource.
var (
	// BroadcastFile plays a media file at its own rate; it can seek and loop.
	BroadcastFile = broadcast.File
	// BroadcastURL plays a remote recorded source (HTTP, HLS, RTMP).
	BroadcastURL = broadcast.URL
	// BroadcastLiveURL plays a live remote source; it cannot seek.
	BroadcastLiveURL = broadcast.LiveURL
	// BroadcastReader plays a live stream read from an io.Reader in a container format.
	BroadcastReader = broadcast.Reader
)

// BroadcastStream publishes a source to a chat's live stream through ffmpeg: Play, Pause,
// Resume, Seek, SetSource, Stop (see package broadcast). Its endpoint comes from
// FetchRTMPURL, or SetURL and SetKey.
type BroadcastStream struct {
	*broadcast.Stream
	c    *Client
	chat any
}

// NewBroadcastStream returns an idle stream into chat (anything ResolvePeer accepts: a group
// or channel the account administers) configured by cfg (optional).
func (c *Client) NewBroadcastStream(chat any, cfg ...*BroadcastConfig) (*BroadcastStream, error) {
	var conf BroadcastConfig
	if len(cfg) > 0 && cfg[0] != nil {
		conf = *cfg[0]
	}
	if conf.Logger == nil {
		conf.Logger = c.Log.Slog().With("module", "broadcast")
	}
	s, err := broadcast.New(conf)
	if err != nil {
		return nil, err
	}
	return &BroadcastStream{Stream: s, c: c, chat: chat}, nil
}

// FetchRTMPURL asks Telegram for the chat's RTMP URL and stream key and uses them; revoke
// replaces the key first (the old one stops working).
func (b *BroadcastStream) FetchRTMPURL(ctx context.Context, revoke bool) error {
	u, err := b.c.GetRTMPURL(ctx, b.chat, revoke)
	if err != nil {
		return err
	}
	if err := b.SetURL(u.URL); err != nil {
		return err
	}
	b.SetKey(u.Key)
	return nil
}
