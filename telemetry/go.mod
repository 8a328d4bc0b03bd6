module github.com/mtgo-labs/mtgo/telemetry

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	github.com/mtgo-labs/mtgo/client v0.1.0
	github.com/mtgo-labs/mtgo/tl v0.1.0
	github.com/mtgo-labs/mtgo/updates v0.1.0
	github.com/prometheus/client_golang v1.25.0
	go.opentelemetry.io/otel v1.47.0
	go.opentelemetry.io/otel/exporters/prometheus v0.69.0
	go.opentelemetry.io/otel/metric v1.47.0
	go.opentelemetry.io/otel/sdk v1.47.0
	go.opentelemetry.io/otel/sdk/metric v1.47.0
	go.opentelemetry.io/otel/trace v1.47.0
	go.uber.org/fx v1.24.0
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cenkalti/backoff/v4 v4.3.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/mtgo-labs/mtgo/crypto v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/media v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/peers v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/secretchat v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/session v0.1.0 // indirect
	github.com/mtgo-labs/mtgo/transport v0.1.0 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/prometheus/client_model v0.6.3 // indirect
	github.com/prometheus/common v0.72.0 // indirect
	github.com/prometheus/otlptranslator v1.0.0 // indirect
	github.com/prometheus/procfs v0.22.0 // indirect
	github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel/log v1.47.0 // indirect
	go.uber.org/dig v1.19.0 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	go.uber.org/zap v1.26.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
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
