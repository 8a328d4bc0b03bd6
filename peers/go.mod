module github.com/mtgo-labs/mtgo/peers

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	github.com/hashicorp/golang-lru/v2 v2.0.7
	github.com/mtgo-labs/mtgo/tl v0.1.0
)

replace github.com/mtgo-labs/mtgo/tl => ../tl
