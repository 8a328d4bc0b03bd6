module github.com/gotd/td/mtgobench

go 1.26.8

require github.com/gotd/td v0.93.0

require (
	github.com/cenkalti/backoff/v4 v4.3.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/go-faster/xor v1.0.0 // indirect
	github.com/gotd/ige v0.2.2 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.13.0 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/klauspost/compress v1.17.4 // indirect
	github.com/mtgo-labs/mtgo/secretchat v0.1.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e // indirect
	github.com/stretchr/testify v1.11.1 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	go.opentelemetry.io/otel v1.21.0 // indirect
	go.opentelemetry.io/otel/trace v1.21.0 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	go.uber.org/dig v1.19.0 // indirect
	go.uber.org/fx v1.24.0 // indirect
	go.uber.org/zap v1.26.0 // indirect
	golang.org/x/crypto v0.17.0 // indirect
	golang.org/x/net v0.19.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/text v0.41.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
	nhooyr.io/websocket v1.8.10 // indirect
	rsc.io/qr v0.2.0 // indirect
)

require (
	github.com/go-faster/errors v0.7.1 // indirect
	github.com/go-faster/jx v1.1.0 // indirect
	github.com/gotd/neo v0.1.5 // indirect
	github.com/mtgo-labs/mtgo/client v0.1.0
	github.com/mtgo-labs/mtgo/crypto v0.1.0
	github.com/mtgo-labs/mtgo/media v0.1.0
	github.com/mtgo-labs/mtgo/peers v0.1.0
	github.com/mtgo-labs/mtgo/session v0.1.0
	github.com/mtgo-labs/mtgo/storage/postgres v0.1.0
	github.com/mtgo-labs/mtgo/storage/sqlstore v0.1.0
	github.com/mtgo-labs/mtgo/teletest v0.1.0
	github.com/mtgo-labs/mtgo/tl v0.1.0
	github.com/mtgo-labs/mtgo/transport v0.1.0
	github.com/mtgo-labs/mtgo/updates v0.1.0
	github.com/segmentio/asm v1.2.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
)

replace (
	github.com/mtgo-labs/mtgo/client => ../../client
	github.com/mtgo-labs/mtgo/crypto => ../../crypto
	github.com/mtgo-labs/mtgo/media => ../../media
	github.com/mtgo-labs/mtgo/peers => ../../peers
	github.com/mtgo-labs/mtgo/secretchat => ../../secretchat
	github.com/mtgo-labs/mtgo/session => ../../session
	github.com/mtgo-labs/mtgo/storage/postgres => ../../storage/postgres
	github.com/mtgo-labs/mtgo/storage/sqlstore => ../../storage/sqlstore
	github.com/mtgo-labs/mtgo/teletest => ../../teletest
	github.com/mtgo-labs/mtgo/tl => ../../tl
	github.com/mtgo-labs/mtgo/transport => ../../transport
	github.com/mtgo-labs/mtgo/updates => ../../updates
)
