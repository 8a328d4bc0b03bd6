module github.com/mtgo-labs/mtgo/integration

go 1.26.8
