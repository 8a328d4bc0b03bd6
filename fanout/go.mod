module github.com/mtgo-labs/mtgo/fanout

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	github.com/mtgo-labs/mtgo/client v0.1.0
	github.com/mtgo-labs/mtgo/tl v0.1.0
	github.com/nats-io/nats-server/v2 v2.15.3
	github.com/nats-io/nats.go v1.56.0
)

require github.com/mtgo-labs/mtgo/secretchat v0.1.0 // indirect

require (
	github.com/antithesishq/antithesis-sdk-go v0.9.0-default-no-op // indirect
	github.com/cenkalti/backoff/v4 v4.3.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/google/go-tpm v0.9.8 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/minio/highwayhash v1.0.4 // indirect
	github.com/mtgo-labs/mtgo/crypto v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/media v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/peers v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/session v0.1.0
	github.com/mtgo-labs/mtgo/teletest v0.1.0
	github.com/mtgo-labs/mtgo/transport v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/updates v0.1.0
	github.com/nats-io/jwt/v2 v2.8.3 // indirect
	github.com/nats-io/nkeys v0.4.17 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	go.uber.org/dig v1.19.0 // indirect
	go.uber.org/fx v1.24.0 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	go.uber.org/zap v1.26.0 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)

replace (
	github.com/mtgo-labs/mtgo/client => ../client
	github.com/mtgo-labs/mtgo/crypto => ../crypto
	github.com/mtgo-labs/mtgo/media => ../media
	github.com/mtgo-labs/mtgo/peers => ../peers
	github.com/mtgo-labs/mtgo/secretchat => ../secretchat
	github.com/mtgo-labs/mtgo/session => ../session
	github.com/mtgo-labs/mtgo/teletest => ../teletest
	github.com/mtgo-labs/mtgo/tl => ../tl
	github.com/mtgo-labs/mtgo/transport => ../transport
	github.com/mtgo-labs/mtgo/updates => ../updates
)
