package types

import (
	"context"
	"io"

	"github.com/mtgo-labs/mtgo/media"
)

// MediaAPI is what the download methods of Message need from the client that created it; API
// includes it.
type MediaAPI interface {
	// DownloadMessage writes the media of m to w.
	DownloadMessage(ctx context.Context, m *Message, w io.Writer, opts ...media.Option) (int64, error)
	// DownloadMessageToFile downloads the media of m to path, resuming path+".part".
	DownloadMessageToFile(ctx context.Context, m *Message, path string, opts ...media.Option) (int64, error)
}

func (m *Message) mediaAPI() (MediaAPI, error) {
	if m == nil || m.api == nil {
		return nil, ErrContextNoClient
	}
	return m.api, nil
}

// Download writes the message's media (the largest photo size, the document) to w and returns
// the bytes written. An expired file reference is refreshed by fetching the message again. A
// message without media fails with the client's ErrContextNoMedia.
func (m *Message) Download(ctx context.Context, w io.Writer, opts ...media.Option) (int64, error) {
	api, err := m.mediaAPI()
	if err != nil {
		return 0, err
	}
	return api.DownloadMessage(ctx, m, w, opts...)
}

// DownloadToFile downloads the message's media to path, resuming path+".part" when a former
// attempt left one.
func (m *Message) DownloadToFile(ctx context.Context, path string, opts ...media.Option) (int64, error) {
	api, err := m.mediaAPI()
	if err != nil {
		return 0, err
	}
	return api.DownloadMessageToFile(ctx, m, path, opts...)
}
