module github.com/mtgo-labs/mtgo/storage/sqlstore

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	github.com/mtgo-labs/mtgo/client v0.1.0
	github.com/mtgo-labs/mtgo/crypto v0.1.0
	github.com/mtgo-labs/mtgo/peers v0.1.0
	github.com/mtgo-labs/mtgo/session v0.1.0
	github.com/mtgo-labs/mtgo/updates v0.1.0
)

require (
	github.com/cenkalti/backoff/v4 v4.3.0 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/mtgo-labs/mtgo/tl v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/transport v0.1.0 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
)

replace (
	github.com/mtgo-labs/mtgo/client => ../../client
	github.com/mtgo-labs/mtgo/crypto => ../../crypto
	github.com/mtgo-labs/mtgo/media => ../../media
	github.com/mtgo-labs/mtgo/peers => ../../peers
	github.com/mtgo-labs/mtgo/secretchat => ../../secretchat
	github.com/mtgo-labs/mtgo/session => ../../session
	github.com/mtgo-labs/mtgo/teletest => ../../teletest
	github.com/mtgo-labs/mtgo/tl => ../../tl
	github.com/mtgo-labs/mtgo/transport => ../../transport
	github.com/mtgo-labs/mtgo/updates => ../../updates
)
