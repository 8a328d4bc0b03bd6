module github.com/mtgo-labs/mtgo/crypto

go 1.26.8
