module github.com/mtgo-labs/mtgo/peers

go 1.26.8
