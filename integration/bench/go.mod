module github.com/gotd/td/mtgobench

go 1.26.8

require github.com/gotd/td v0.93.0

require (
	github.com/go-faster/errors v0.7.1 // indirect
	github.com/go-faster/jx v1.1.0 // indirect
	github.com/gotd/neo v0.1.5 // indirect
	github.com/segmentio/asm v1.2.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	golang.org/x/sys v0.15.0 // indirect
)
