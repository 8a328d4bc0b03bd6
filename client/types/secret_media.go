package types

import (
	"bytes"
	"context"
	"io"

	"github.com/mtgo-labs/mtgo/media"
)

// SecretMediaAPI is what the download methods of SecretMessage need from the client that
// delivered it (mtgo.Client binds the messages its OnSecretMessage handlers get); tests may
// bind their own.
type SecretMediaAPI interface {
	// DownloadSecretMessage writes the media of m to w: its External (a document sent by
	// reference) or its encrypted File, decrypted.
	DownloadSecretMessage(ctx context.Context, m *SecretMessage, w io.Writer, opts ...media.Option) (int64, error)
	// DownloadSecretMessageToFile downloads the media of m to path, through path+".part".
	DownloadSecretMessageToFile(ctx context.Context, m *SecretMessage, path string, opts ...media.Option) (int64, error)
}

// Bind binds m's download methods to api and returns m. The client binds the messages it
// delivers; a SecretMessage built by hand is unbound (ErrContextNoClient).
func (m *SecretMessage) Bind(api SecretMediaAPI) *SecretMessage {
	m.api = api
	return m
}

// Bound reports whether the message is bound to a client, so that its download methods work.
func (m *SecretMessage) Bound() bool { return m != nil && m.api != nil }

// Download writes the message's media to w and returns the bytes written, as Message.Download
// does: a sticker the peer sent by reference (External, its file reference found through its
// sticker set, as Client.DownloadSecretExternal) or the encrypted File, downloaded and
// decrypted (as Client.DecryptSecretFile). A message without either
// fails with the client's ErrContextNoMedia, an unbound one with ErrContextNoClient.
func (m *SecretMessage) Download(ctx context.Context, w io.Writer, opts ...media.Option) (int64, error) {
	if !m.Bound() {
		return 0, ErrContextNoClient
	}
	return m.api.DownloadSecretMessage(ctx, m, w, opts...)
}

// DownloadBytes returns the message's media as Download writes it; nil on failure.
func (m *SecretMessage) DownloadBytes(ctx context.Context, opts ...media.Option) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := m.Download(ctx, &buf, opts...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DownloadToFile downloads the message's media to path, as Message.DownloadToFile does: a
// sticker sent by reference resumes path+".part" when a former attempt left one; an
// encrypted file, decrypted whole in memory, is written to path+".part" and renamed to path.
// Errors as for Download.
func (m *SecretMessage) DownloadToFile(ctx context.Context, path string, opts ...media.Option) (int64, error) {
	if !m.Bound() {
		return 0, ErrContextNoClient
	}
	return m.api.DownloadSecretMessageToFile(ctx, m, path, opts...)
}
