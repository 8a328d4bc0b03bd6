module github.com/mtgo-labs/mtgo/transport

go 1.26.8

require (
	github.com/coder/websocket v1.8.15
	github.com/google/go-cmp v0.7.0
	github.com/mtgo-labs/mtgo/crypto v0.1.0
	go.uber.org/goleak v1.3.0
)

replace github.com/mtgo-labs/mtgo/crypto => ../crypto
