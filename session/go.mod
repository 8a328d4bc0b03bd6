module github.com/mtgo-labs/mtgo/session

go 1.26.8
