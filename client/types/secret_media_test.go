package types_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
)

// secretMediaAPI writes data for the message it was handed, or fails with err.
type secretMediaAPI struct {
	data []byte
	err  error
	got  *types.SecretMessage
	opts int
}

func (a *secretMediaAPI) DownloadSecretMessage(_ context.Context, m *types.SecretMessage, w io.Writer, opts ...media.Option) (int64, error) {
	a.got, a.opts = m, len(opts)
	if a.err != nil {
		return 0, a.err
	}
	n, err := w.Write(a.data)
	return int64(n), err
}

func (a *secretMediaAPI) DownloadSecretMessageToFile(ctx context.Context, m *types.SecretMessage, path string, opts ...media.Option) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return a.DownloadSecretMessage(ctx, m, f, opts...)
}

func TestSecretMessageDownload(t *testing.T) {
	failed := errors.New("download failed")
	tests := []struct {
		name string
		api  *secretMediaAPI
		want []byte
		err  error
	}{
		{"bound", &secretMediaAPI{data: []byte("sticker")}, []byte("sticker"), nil},
		{"failing", &secretMediaAPI{err: failed}, nil, failed},
		{"unbound", nil, nil, types.ErrContextNoClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &types.SecretMessage{RandomID: 7}
			if tt.api != nil {
				if m.Bind(tt.api) != m || !m.Bound() {
					t.Fatal("Bind did not bind the message")
				}
			} else if m.Bound() {
				t.Fatal("a message built by hand is bound")
			}
			got, err := m.DownloadBytes(context.Background(), media.WithWorkers(2))
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) || string(got) != string(tt.want) || (err != nil && got != nil) {
				t.Fatalf("DownloadBytes: %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
			if tt.api != nil && (tt.api.got != m || tt.api.opts != 1) {
				t.Fatalf("the client got %p with %d options, want %p with 1", tt.api.got, tt.api.opts, m)
			}
			path := filepath.Join(t.TempDir(), "media")
			n, err := m.DownloadToFile(context.Background(), path)
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) || n != int64(len(tt.want)) {
				t.Fatalf("DownloadToFile: %d bytes, %v; want %d, %v", n, err, len(tt.want), tt.err)
			}
			if data, _ := os.ReadFile(path); string(data) != string(tt.want) {
				t.Fatalf("DownloadToFile wrote %q, want %q", data, tt.want)
			}
		})
	}
	var none *types.SecretMessage
	if _, err := none.Download(context.Background(), io.Discard); !errors.Is(err, types.ErrContextNoClient) || none.Bound() {
		t.Fatalf("nil message: %v", err)
	}
}
