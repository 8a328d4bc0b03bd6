module github.com/mtgo-labs/mtgo/updates

go 1.26.8
