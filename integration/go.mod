module github.com/mtgo-labs/mtgo/integration

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	github.com/gotd/td v0.93.0
	go.uber.org/goleak v1.3.0
	go.uber.org/zap v1.26.0
)
