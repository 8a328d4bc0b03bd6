package mtgo

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
)

// DownloadSecretMessage writes the media of a received secret message to w, as
// SecretMessage.Download and, in an OnSecretMessage handler, Context.Download do: its
// External (a document sent by reference) through DownloadMedia's way, which finds the
// file reference in the sticker set (DownloadSecretExternal), or its encrypted File through
// DecryptSecretFile (downloaded whole with opts, checked against its key fingerprint,
// decrypted, then written). A message with neither is ErrContextNoMedia.
func (a clientAPI) DownloadSecretMessage(ctx context.Context, m *types.SecretMessage, w io.Writer, opts ...media.Option) (int64, error) {
	return a.c.downloadSecretMessage(ctx, m, w, opts)
}

func (c *Client) downloadSecretMessage(ctx context.Context, m *types.SecretMessage, w io.Writer, opts []media.Option) (int64, error) {
	if m == nil || m.File == nil {
		return c.DownloadMedia(ctx, m, w, opts...) // the External, or the errors of a message without it
	}
	data, err := c.DecryptSecretFile(ctx, m.File, opts...)
	if err != nil {
		return 0, err
	}
	n, err := w.Write(data)
	if err != nil {
		return int64(n), fmt.Errorf("mtgo: write secret file: %w", err)
	}
	return int64(n), nil
}

// DownloadSecretMessageToFile downloads the media of a received secret message to path, as
// SecretMessage.DownloadToFile does: its External through DownloadMediaToFile (resuming
// path+".part"), its encrypted File decrypted (DecryptSecretFile with opts) and written to
// path+".part", then renamed to path.
func (a clientAPI) DownloadSecretMessageToFile(ctx context.Context, m *types.SecretMessage, path string, opts ...media.Option) (int64, error) {
	if m == nil || m.File == nil {
		return a.c.DownloadMediaToFile(ctx, m, path, opts...)
	}
	data, err := a.c.DecryptSecretFile(ctx, m.File, opts...)
	if err != nil {
		return 0, err
	}
	part := path + ".part"
	if err := os.WriteFile(part, data, 0o644); err != nil {
		return 0, fmt.Errorf("mtgo: write secret file: %w", err)
	}
	if err := os.Rename(part, path); err != nil {
		return 0, fmt.Errorf("mtgo: write secret file: %w", err)
	}
	return int64(len(data)), nil
}
