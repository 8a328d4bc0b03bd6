module github.com/mtgo-labs/mtgo/secretchat

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	github.com/mtgo-labs/mtgo/crypto v0.1.0
	github.com/mtgo-labs/mtgo/tl v0.1.0
)

replace (
	github.com/mtgo-labs/mtgo/crypto => ../crypto
	github.com/mtgo-labs/mtgo/tl => ../tl
)
