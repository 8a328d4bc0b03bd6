module github.com/mtgo-labs/mtgo/teletest

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	go.uber.org/goleak v1.3.0
)
