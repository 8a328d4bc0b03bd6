module github.com/mtgo-labs/mtgo/integration/interop

go 1.26.8

require (
	github.com/gotd/td v0.93.0
	go.uber.org/zap v1.26.0
)
