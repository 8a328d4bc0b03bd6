// Package media moves files to and from Telegram: parallel, resumable uploads and downloads,
// CDN redirects with decryption and hash verification, data center migration and file
// reference refresh.
//
// The package is split like the rest of MTGo. plan.go and cdn.go are pure cores: upload part
// sizing, the getFile chunk plan, AES-256-CTR decryption of CDN parts and their SHA-256
// verification. upload.go and download.go are the loops that drive those cores over RPC
// invokers; every goroutine they start belongs to one call and has stopped when the call
// returns. api.go declares what this package needs from its caller (consumer interfaces): a
// Pool handing out a tg.Invoker per data center, and an optional Refresher for file
// references. photo.go picks locations out of Telegram's media objects.
//
// A typical caller:
//
//	c := media.New(pool, media.Options{Workers: 4})
//	in, err := c.Upload(ctx, f, size, "video.mp4", media.WithProgress(show))
//	...
//	loc, err := media.MediaLocation(msg.Media)
//	n, err := c.DownloadToFile(ctx, loc, "video.mp4", media.WithRefresher(refetch))
package media
