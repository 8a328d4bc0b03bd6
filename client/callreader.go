package mtgo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// CallReader reads a live stream's media: it joins the call as a listener, then fetches the
// stream's chunks one after another (upload.getFile with inputGroupCallStream, on the call's
// stream data center), following the server's timestamps and scale. Read gives the chunks
// as one byte stream of the stream's container; ReadChunk gives them one at a time.
//
// A CallReader is not safe for concurrent use. Close leaves the call.
type CallReader struct {
	c       *Client
	ctx     context.Context
	call    *types.GroupCall
	channel types.StreamChannel
	next    time.Duration // timestamp of the next chunk
	pending []byte
	closed  bool
}

// CallReaderOption configures NewCallReader.
type CallReaderOption func(*CallReader)

// CallReaderFrom starts reading at timestamp t of the stream (since it started) instead of
// at the present; t is rounded down to a chunk boundary.
func CallReaderFrom(t time.Duration) CallReaderOption {
	return func(r *CallReader) { r.next = max(t, 0) }
}

// NewCallReader joins the live stream in chat as a listener and returns a reader positioned
// at the stream's present (or CallReaderFrom). ctx bounds Read: when it ends, Read fails
// with its error.
func (c *Client) NewCallReader(ctx context.Context, chat any, opts ...CallReaderOption) (*CallReader, error) {
	call, err := c.GetActiveCall(ctx, chat)
	if err != nil {
		return nil, err
	}
	if !call.RTMPStream {
		return nil, fmt.Errorf("mtgo: call reader: the call in this chat is not a live stream")
	}
	if err := c.JoinCall(ctx, call); err != nil {
		return nil, err
	}
	chans, err := c.GetStreamChannels(ctx, call)
	if err != nil {
		return nil, err
	}
	if len(chans) == 0 {
		return nil, fmt.Errorf("mtgo: call reader: the stream has no channels")
	}
	r := &CallReader{c: c, ctx: ctx, call: call, channel: chans[0], next: -1}
	for _, o := range opts {
		if o != nil {
			o(r)
		}
	}
	if r.next < 0 {
		r.next = r.channel.LastTimestamp
	}
	d := r.channel.ChunkDuration()
	r.next -= r.next % d
	return r, nil
}

// Call returns the call being read.
func (r *CallReader) Call() *types.GroupCall { return r.call }

// Position returns the timestamp of the next chunk.
func (r *CallReader) Position() time.Duration { return r.next }

// ReadChunk returns the next chunk of the stream, waiting (a chunk's duration at a time)
// while the stream has not reached it yet.
func (r *CallReader) ReadChunk(ctx context.Context) ([]byte, error) {
	if r.closed {
		return nil, fmt.Errorf("mtgo: call reader: %w", io.ErrClosedPipe)
	}
	d := r.channel.ChunkDuration()
	loc := media.Location{DC: r.call.StreamDC, Input: &tg.InputGroupCallStream{
		Call: r.call.Input(), TimeMs: r.next.Milliseconds(), Scale: int32(r.channel.Scale),
	}}
	for {
		var buf bytes.Buffer
		_, err := r.c.Download(ctx, loc, &buf)
		if err == nil {
			r.next += d
			return buf.Bytes(), nil
		}
		if rpcerr.IsType(err, "TIME_TOO_BIG") {
			// Not streamed yet: wait a chunk.
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
			continue
		}
		return nil, fmt.Errorf("mtgo: call reader: chunk at %v: %w", r.next, err)
	}
}

// Read implements io.Reader over the stream's chunks, bounded by NewCallReader's ctx.
func (r *CallReader) Read(p []byte) (int, error) {
	for len(r.pending) == 0 {
		chunk, err := r.ReadChunk(r.ctx)
		if err != nil {
			return 0, err
		}
		r.pending = chunk
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// Save writes d of the stream to w, chunk by chunk from the reader's position, and returns
// the bytes written.
func (r *CallReader) Save(ctx context.Context, w io.Writer, d time.Duration) (int64, error) {
	var n int64
	for end := r.next + d; r.next < end; {
		chunk, err := r.ReadChunk(ctx)
		if err != nil {
			return n, err
		}
		m, err := w.Write(chunk)
		n += int64(m)
		if err != nil {
			return n, fmt.Errorf("mtgo: call reader: save: %w", err)
		}
	}
	return n, nil
}

// SaveFile writes d of the stream to the file at path (created or truncated) and returns
// the bytes written.
func (r *CallReader) SaveFile(ctx context.Context, path string, d time.Duration) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("mtgo: call reader: %w", err)
	}
	n, err := r.Save(ctx, f, d)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("mtgo: call reader: %w", cerr)
	}
	return n, err
}

// Close leaves the call.
func (r *CallReader) Close(ctx context.Context) error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.c.LeaveCall(ctx, r.call)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
