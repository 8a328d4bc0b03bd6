package mtgo

import (
	"bytes"
	"context"
	"iter"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
)

// locate is the file of m: a *types.Message (whose expired file reference is then refreshed
// by fetching the message again), what a secret chat delivers (secretLocation: a
// *types.SecretMessage, or its External found through its sticker set), or any other
// argument DownloadMedia takes.
func (c *Client) locate(ctx context.Context, m any, opts []media.Option) (media.Location, []media.Option, error) {
	if msg, ok := m.(*types.Message); ok {
		return c.messageLocation(msg, opts)
	}
	if loc, opts, ok, err := c.secretLocation(ctx, m, opts); ok {
		return loc, opts, err
	}
	loc, err := mediaLocationOf(m)
	return loc, opts, err
}

// DownloadBytes downloads the file of m into memory: a *types.Message, or anything
// DownloadMedia takes (message media, typed media, a Bot API file id).
func (c *Client) DownloadBytes(ctx context.Context, m any, opts ...media.Option) ([]byte, error) {
	loc, opts, err := c.locate(ctx, m, opts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if loc.Size > 0 {
		buf.Grow(int(min(loc.Size, 64<<20))) // a size from the server is only a hint
	}
	if _, err := c.Download(ctx, loc, &buf, opts...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DownloadMediaToFile downloads the file of m (as DownloadBytes takes it) to path, resuming
// path+".part" when present.
func (c *Client) DownloadMediaToFile(ctx context.Context, m any, path string, opts ...media.Option) (int64, error) {
	loc, opts, err := c.locate(ctx, m, opts)
	if err != nil {
		return 0, err
	}
	return c.DownloadToFile(ctx, loc, path, opts...)
}

// StreamFile streams the file at loc as a sequence of chunks, in order (media.Client.Range):
// a chunk is valid until the loop asks for the next one; breaking out of the loop stops the
// download; an error is the last element.
func (c *Client) StreamFile(ctx context.Context, loc media.Location, opts ...media.Option) iter.Seq2[[]byte, error] {
	return c.Media().Range(ctx, loc, 0, -1, opts...)
}

// StreamMedia streams the file of m (as DownloadBytes takes it) like StreamFile.
func (c *Client) StreamMedia(ctx context.Context, m any, opts ...media.Option) iter.Seq2[[]byte, error] {
	return c.StreamMediaRange(ctx, m, 0, -1, opts...)
}

// StreamMediaRange streams the bytes [from, to) of the file of m (to < 0: to the end), for
// players and partial reads.
func (c *Client) StreamMediaRange(ctx context.Context, m any, from, to int64, opts ...media.Option) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		loc, opts, err := c.locate(ctx, m, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		for p, err := range c.Media().Range(ctx, loc, from, to, opts...) {
			if !yield(p, err) || err != nil {
				return
			}
		}
	}
}
