module github.com/mtgo-labs/mtgo/teletest

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	github.com/mtgo-labs/mtgo/crypto v0.1.0
	github.com/mtgo-labs/mtgo/media v0.1.0
	github.com/mtgo-labs/mtgo/secretchat v0.1.0
	github.com/mtgo-labs/mtgo/session v0.1.0
	github.com/mtgo-labs/mtgo/tl v0.1.0
	github.com/mtgo-labs/mtgo/transport v0.1.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/cenkalti/backoff/v4 v4.3.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
)

replace (
	github.com/mtgo-labs/mtgo/crypto => ../crypto
	github.com/mtgo-labs/mtgo/media => ../media
	github.com/mtgo-labs/mtgo/secretchat => ../secretchat
	github.com/mtgo-labs/mtgo/session => ../session
	github.com/mtgo-labs/mtgo/tl => ../tl
	github.com/mtgo-labs/mtgo/transport => ../transport
)
