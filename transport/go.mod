module github.com/mtgo-labs/mtgo/transport

go 1.26.8
