module github.com/mtgo-labs/mtgo/client

go 1.26.8
