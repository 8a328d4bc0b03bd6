module github.com/mtgo-labs/mtgo/media

go 1.26.8
